// Package reporttest builds real reports for the tests of the packages
// that consume them (output formats, VEX, SBOM): it scans the real root
// filesystems of the shared test data with the scan engine and matches
// them against the real advisories, so those tests never run on
// hand-made reports. Tests skip when the shared data is absent.
package reporttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// ScannerVersion is the scanner version stamped on the reports built here.
const ScannerVersion = "v0.0.0-test"

// Scan scans one root filesystem tarball of testdata/rootfs as a
// one-layer image named ref, matching it against the advisories of
// testdata/advisories/<advisories> when that is not empty.
func Scan(t testing.TB, rootfs, ref, advisories string) *report.Report {
	t.Helper()
	path := testutil.Data(t, "rootfs", rootfs)
	l, err := imagebuild.FromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagebuild.Image(imagebuild.Layer{Layer: l, CreatedBy: "ADD " + rootfs + " /"})
	if err != nil {
		t.Fatal(err)
	}
	opts := scan.Options{}
	if advisories != "" {
		var advs []advisory.Advisory
		_, err := feed.Load(context.Background(), testutil.Data(t, "advisories", advisories), nil, func(a *advisory.Advisory) error {
			advs = append(advs, *a)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		opts.Matcher = scan.StoreMatcher{Store: match.NewMemStore(advs), DB: &report.DBInfo{SchemaVersion: 1, Digest: "sha256:test"}}
	}
	s := &scan.Scanner{
		Analyzers:        all.Analyzers(),
		AnalyzersVersion: all.Version(),
		OSPriority:       all.OSPriority,
		Cache:            layer.NewMemCache(0),
		ScannerVersion:   ScannerVersion,
	}
	rep, err := s.Scan(context.Background(), scan.Target{Image: img, Reference: ref}, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The scanner stamps the wall clock; outputs are compared across runs.
	rep.ScannedAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if rep.ScannerVersion == "" {
		rep.ScannerVersion = ScannerVersion
	}
	return rep
}

// Alpine is the Alpine 3.20.3 mini root filesystem matched against the
// Alpine secdb subset: the 27 findings of
// answers/alpine-3.20.3-secdb-subset.tsv, on every binary package.
func Alpine(t testing.TB) *report.Report {
	t.Helper()
	rep := Scan(t, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "registry.example:5000/library/alpine:3.20.3", "alpine-secdb-3.20-subset")
	if len(rep.Vulnerabilities) == 0 {
		t.Fatal("reporttest: the Alpine scan found nothing: matching is broken")
	}
	return rep
}

// Debian is Debian 12 minbase, inventory only (the shared Debian
// advisories predate bookworm).
func Debian(t testing.TB) *report.Report {
	t.Helper()
	return Scan(t, "debian-bookworm-minbase.tar.gz", "docker-archive:/images/debian-bookworm.tar", "")
}

// ModuleDir returns where the module cache holds a module that go.mod
// requires (official schemas ship inside some of them). It skips the test
// when the module is not downloaded, or fails it when
// SCANFLEET_REQUIRE_SERVICES=1, so CI cannot pass by skipping.
func ModuleDir(t testing.TB, module string) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-json", module)
	cmd.Dir = testutil.ModuleRoot(t)
	out, err := cmd.Output()
	var m struct{ Dir string }
	if err == nil {
		err = json.Unmarshal(out, &m)
	}
	if err == nil && m.Dir == "" {
		err = fmt.Errorf("not in the module cache (go mod download %s)", module)
	}
	if err != nil {
		if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
			t.Fatalf("module %s: %v", module, err)
		}
		t.Skipf("module %s: %v", module, err)
	}
	return m.Dir
}

// CompileSchema compiles the JSON schema at url, with every document it
// refers to given in resources (url -> JSON text). Formats are asserted, so
// a "uri" that is not one fails.
func CompileSchema(t testing.TB, url string, resources map[string][]byte) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for u, text := range resources {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(text))
		if err != nil {
			t.Fatalf("schema %s: %v", u, err)
		}
		if err := c.AddResource(u, doc); err != nil {
			t.Fatalf("schema %s: %v", u, err)
		}
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling %s: %v", url, err)
	}
	return sch
}

// Validate fails the test when doc does not conform to sch.
func Validate(t testing.TB, sch *jsonschema.Schema, doc []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("output does not validate against %s:\n%v", sch.Location, err)
	}
}
