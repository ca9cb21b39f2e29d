// Package all lists the analyzers a scan runs by default. It is the one
// place that knows them all, so that adding an analyzer is one line here and
// a bump of Version.
package all

import (
	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/apk"
	"github.com/scanfleet/scanfleet/internal/analyzer/dpkg"
	"github.com/scanfleet/scanfleet/internal/analyzer/osrelease"
	"github.com/scanfleet/scanfleet/internal/analyzer/rpm"
)

// Version names the analyzer set; cached layer analyses made under another
// version are not reused. Bump it whenever any analyzer's output changes.
const Version = "a1"

// Analyzers returns fresh instances of the default analyzers.
func Analyzers() []analyzer.Analyzer {
	return []analyzer.Analyzer{
		osrelease.New(),
		dpkg.New(),
		apk.New(),
		rpm.New(),
	}
}

// OSPriority ranks OS description files; see osrelease.Priority.
func OSPriority(path string) int { return osrelease.Priority(path) }
