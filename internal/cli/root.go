// Package cli implements the scanfleet command line: argument parsing,
// environment, exit codes and wiring of the internal packages. Each
// subcommand lives in its own file; the work itself lives elsewhere.
package cli

import (
	"github.com/scanfleet/scanfleet/internal/cli/servecli"

	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/scanfleet/scanfleet/internal/buildinfo"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
)

// Exit codes. Documented in README.md; keep them stable.
const (
	ExitOK         = 0
	ExitError      = 1 // the scan (or command) failed
	ExitUsage      = 2 // bad flags or arguments
	ExitIncomplete = 4 // the database has no data for something the image contains
)

// exitError carries a specific exit code up to Main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// env is what commands need from the process, passed down instead of read
// from globals so tests can run commands in-process.
type env struct {
	cmdio.Env
	// kube is the controller's Kubernetes integration; nil in the
	// scanfleet binary, which does not link it.
	kube Kubernetes
	// cloud is the controller's cloud credentials (ECR, GAR, ACR); nil
	// in the scanfleet binary, which does not link the cloud SDKs.
	cloud Cloud
}

// Cloud is what the controller takes from the clouds' libraries; see
// servecli.Cloud.
type Cloud = servecli.Cloud

// Kubernetes is what the controller command takes from Kubernetes; see
// servecli.Kubernetes. It is handed in by the entry point rather than
// imported, so that the scanner binary does not link client-go.
type Kubernetes = servecli.Kubernetes

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, &env{Env: cmdio.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv}})
}

// MainKubernetes is Main with the controller's Kubernetes integration.
func MainKubernetes(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, k Kubernetes) int {
	return MainController(ctx, args, stdin, stdout, stderr, k, nil)
}

// MainController is Main with the controller's Kubernetes integration and
// cloud credentials (either may be nil).
func MainController(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, k Kubernetes, c Cloud) int {
	return run(ctx, args, &env{Env: cmdio.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv}, kube: k, cloud: c})
}

func run(ctx context.Context, args []string, e *env) int {
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(e.Stdin)
	root.SetOut(e.Stdout)
	root.SetErr(e.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(e.Stderr, "scanfleet:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(e.Stderr, "scanfleet:", err)
	if isUsage(err) {
		return ExitUsage
	}
	return ExitError
}

// usagef is an error in flags or arguments (exit code 2).
func usagef(format string, args ...any) error {
	return cmdio.Usagef(format, args...)
}

func isUsage(err error) bool {
	if cmdio.IsUsage(err) {
		return true
	}
	// cobra's own flag and argument errors
	msg := err.Error()
	for _, s := range []string{"unknown flag", "unknown shorthand", "unknown command", "accepts ", "requires at least", "invalid argument", "flag needs an argument"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func newRoot(e *env) *cobra.Command {
	var logLevel, logFormat string
	root := &cobra.Command{
		Use:           "scanfleet",
		Short:         "Scan container images, hosts and registries for known vulnerabilities",
		Version:       buildinfo.Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(logLevel)); err != nil {
				return usagef("--log-level: %v", err)
			}
			opts := &slog.HandlerOptions{Level: lvl}
			switch logFormat {
			case "text":
				e.Logger = slog.New(slog.NewTextHandler(e.Stderr, opts))
			case "json":
				e.Logger = slog.New(slog.NewJSONHandler(e.Stderr, opts))
			default:
				return usagef("--log-format must be text or json, not %q", logFormat)
			}
			return nil
		},
		// NeuVector's scanner image runs with no arguments and
		// SCANNER_ON_DEMAND=true; so do we.
		RunE: func(cmd *cobra.Command, args []string) error {
			if onDemand(e.Getenv) {
				return runOnDemand(cmd.Context(), e)
			}
			return cmd.Help()
		},
	}
	// Every command inherits it: a bad flag value is a usage error
	// naming the flag and what it wants, not a strconv message.
	root.SetFlagErrorFunc(flagError)
	root.PersistentFlags().StringVar(&logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	root.PersistentFlags().StringVar(&logFormat, "log-format", "text", "log format: text or json")
	root.AddCommand(newScanCmd(e))
	addCommands(root, e)
	return root
}

// flagWants says what a value of each flag type looks like.
var flagWants = map[string]string{
	"int":         "a whole number",
	"int64":       "a whole number",
	"uint":        "a whole number, 0 or more",
	"float64":     "a number",
	"duration":    "a duration such as 30s, 10m or 1h30m",
	"bool":        "true or false",
	"stringSlice": "a comma-separated list",
}

// flagError turns pflag's parse errors ("invalid argument "abc" for
// "--exit-code" flag: strconv.ParseInt: parsing "abc": invalid syntax")
// into a usage error that says what the flag wants.
func flagError(_ *cobra.Command, err error) error {
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) {
		f := ive.GetFlag()
		if want, ok := flagWants[f.Value.Type()]; ok {
			return usagef("--%s %q: want %s", f.Name, ive.GetValue(), want)
		}
		return usagef("--%s %q: %v", f.Name, ive.GetValue(), errors.Unwrap(err))
	}
	return cmdio.Usage(err)
}
