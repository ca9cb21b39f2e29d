// Package web is the plumbing the controller's HTTP handlers share,
// whichever package serves them: the access levels a route needs, how a
// route is registered, errors that carry an HTTP status, strict request
// decoding and JSON answers. Authentication itself stays with the
// controller, which owns the tokens.
package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Request body limits: results carry whole reports, layers whole analyses;
// everything else is small.
const (
	MaxNoBody     = 64 << 10 // routes that read no body
	MaxSmallBody  = 1 << 20
	MaxLayerBody  = 32 << 20
	MaxResultBody = 128 << 20
)

// Access is the role a route needs.
type Access int

// Access levels.
const (
	ReadAccess    Access = iota // any role
	ScannerAccess               // admin, scanner
	SubmitAccess                // admin, scanner, submitter
	AdminAccess                 // admin
)

// Roles names the roles a route of access a admits, for refusals that
// say which token would do.
func (a Access) Roles() string {
	switch a {
	case AdminAccess:
		return "admin"
	case ScannerAccess:
		return "admin or scanner"
	case SubmitAccess:
		return "admin, scanner or submitter"
	}
	return "any"
}

// Handler serves one route; an error it returns is answered by the
// controller's middleware (an *Error with its status, anything else 500).
type Handler func(http.ResponseWriter, *http.Request) error

// Route registers an authenticated API route: pattern, the access it
// needs, the request body limit (0: none read) and the handler.
type Route func(pattern string, a Access, limit int64, fn Handler)

// Error carries a status code to the client.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Errorf is an *Error with code and a formatted message.
func Errorf(code int, format string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// StatusOf is err's status when it is an *Error, else 0.
func StatusOf(err error) int {
	var he *Error
	if errors.As(err, &he) {
		return he.Code
	}
	return 0
}

// WriteJSON answers v with code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// Decode reads a request body strictly, for every route: one JSON value
// and nothing after it, and no field the type does not have, so that a
// misspelt field ("pasword") is a 400 naming it rather than a setting
// silently left out.
func Decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			err = errors.New("data after the JSON value")
			if terr != nil {
				err = fmt.Errorf("data after the JSON value: %w", terr)
			}
		}
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return Errorf(http.StatusBadRequest, "bad request body: %v", err)
	}
	return nil
}
