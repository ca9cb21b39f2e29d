package scan

import (
	"context"

	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/report"
)

// StoreMatcher matches against one opened database.
type StoreMatcher struct {
	Store match.Store
	DB    *report.DBInfo
}

// Match implements Matcher.
func (m StoreMatcher) Match(ctx context.Context, os *report.OS, pkgs []report.Package) ([]report.Vulnerability, []report.Coverage, error) {
	return match.Match(ctx, m.Store, os, pkgs)
}

// Info implements Matcher.
func (m StoreMatcher) Info() *report.DBInfo { return m.DB }
