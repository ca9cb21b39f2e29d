// Package all lists the analyzers a scan runs by default. It is the one
// place that knows them all, so that adding an analyzer is one line here and
// a bump of Version.
package all

import (
	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/apk"
	"github.com/scanfleet/scanfleet/internal/analyzer/dotnet"
	"github.com/scanfleet/scanfleet/internal/analyzer/dpkg"
	"github.com/scanfleet/scanfleet/internal/analyzer/gobinary"
	"github.com/scanfleet/scanfleet/internal/analyzer/java"
	"github.com/scanfleet/scanfleet/internal/analyzer/node"
	"github.com/scanfleet/scanfleet/internal/analyzer/osrelease"
	"github.com/scanfleet/scanfleet/internal/analyzer/php"
	"github.com/scanfleet/scanfleet/internal/analyzer/python"
	"github.com/scanfleet/scanfleet/internal/analyzer/rpm"
	"github.com/scanfleet/scanfleet/internal/analyzer/ruby"
	"github.com/scanfleet/scanfleet/internal/analyzer/rust"
)

// Version names the analyzer set; cached layer analyses made under another
// version are not reused. Bump it whenever any analyzer's output changes.
//
// a2: language analyzers (Go binaries, Java archives, Python, npm, gems,
// Cargo, Composer, NuGet) and dpkg file lists (OS package ownership).
// a3: rpm reads Azure Linux's distroless rpm manifest.
const Version = "a3"

// Analyzers returns fresh instances of the default analyzers.
func Analyzers() []analyzer.Analyzer {
	return []analyzer.Analyzer{
		osrelease.New(),
		dpkg.New(),
		apk.New(),
		rpm.New(),
		gobinary.New(),
		java.New(),
		python.New(),
		node.New(),
		ruby.New(),
		rust.New(),
		php.New(),
		dotnet.New(),
	}
}

// OSPriority ranks OS description files; see osrelease.Priority.
func OSPriority(path string) int { return osrelease.Priority(path) }
