// Package cmdio is what every package of scanfleet's commands shares with
// the entry point: the process's streams and environment, handed down
// instead of read from globals so that tests run commands in-process, and
// the usage errors that package cli maps to exit code 2.
package cmdio

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// Env is the process as the commands see it.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Logger is set by the root command's flags before any command runs:
	// read it when running, not when building a command.
	Logger *slog.Logger
}

// usageError marks errors in flags or arguments.
type usageError struct{ error }

// Usagef is an error in flags or arguments (exit code 2).
func Usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// Usage marks err as an error in flags or arguments.
func Usage(err error) error { return usageError{err} }

// IsUsage reports whether err, or an error it wraps, was made by Usagef
// or Usage.
func IsUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

// IsTerminal reports whether w is a character device, where redrawing a
// progress line with \r reads well.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
