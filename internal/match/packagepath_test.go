package match

import (
	"context"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
)

// TestMatchFindingsCarryPackagePath: three copies of one npm package (as
// in the scan fixture's node_modules) give three findings that say which
// copy each is about.
func TestMatchFindingsCarryPackagePath(t *testing.T) {
	st := NewMemStore([]advisory.Advisory{adv("GHSA-xvch-5gv4-984h", advisory.SourceOSV, "npm", "minimist", rng("SEMVER", "i=0", "f=1.2.6"))})
	paths := []string{
		"app/node_modules/optimist/node_modules/minimist/package.json",
		"app/node_modules/mkdirp/node_modules/minimist/package.json",
		"app/node_modules/minimist/package.json",
	}
	var pkgs []report.Package
	for _, p := range paths {
		pkgs = append(pkgs, report.Package{Name: "minimist", Version: "1.2.0", Type: "npm", Path: p})
	}
	vulns, _, err := Match(context.Background(), st, nil, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{paths[2], paths[1], paths[0]} // sorted by path
	if len(vulns) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(vulns), len(want), vulns)
	}
	for i, v := range vulns {
		if v.PackagePath != want[i] {
			t.Errorf("finding %d: package_path %q, want %q", i, v.PackagePath, want[i])
		}
	}
}
