// Package all lists the analyzers a scan runs by default. It is the one
// place that knows them all, so that adding an analyzer is one line here
// (and, for TestAnalyzerVersions, one run of
// `go test ./internal/analyzer/all -update`).
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

// Version names the default analyzer set for the layer cache, locally and
// in the controller's layer store (layer.Key): analyzer.SetVersion of
// Analyzers, so it changes whenever one analyzer's Version does, and
// analyses made by older analyzers are never reused. Each analyzer carries
// its own version; there is nothing to bump here.
func Version() string { return analyzer.SetVersion(Analyzers()) }

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
