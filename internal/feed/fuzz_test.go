package feed

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// fuzzLoad feeds one document to the loader and checks the invariants: no
// panic, no error (a document's problems are counted, never fatal), every
// record accounted for, and every emitted advisory usable.
func fuzzLoad(t *testing.T, name string, data []byte) {
	l := &loader{ctx: context.Background(), stats: &Stats{}, emit: func(a *advisory.Advisory) error {
		if a.ID == "" || len(a.Affected) == 0 {
			t.Fatalf("emitted unusable advisory %+v", a)
		}
		for _, af := range a.Affected {
			if af.Ecosystem == "" || af.Package == "" {
				t.Fatalf("affected without ecosystem or package: %+v", af)
			}
			for _, r := range af.Ranges {
				for _, e := range r.Events {
					if e.Fixed == "0" {
						t.Fatalf("fixed \"0\" range emitted: %+v", af)
					}
				}
			}
		}
		return nil
	}}
	if err := l.loadDoc(name, bytes.NewReader(data)); err != nil {
		t.Fatalf("loadDoc: %v", err)
	}
	if len(l.stats.Errors) > MaxErrors {
		t.Fatalf("%d errors kept", len(l.stats.Errors))
	}
}

func addSeedFiles(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

func FuzzOSVRecord(f *testing.F) {
	addSeedFiles(f, filepath.Join(testutil.DataDir(f), "advisories", "osv-ghsa-npm-subset", "*.json"))
	members := tarMembers(f, testutil.Data(f, "advisories", "osv-go-vulndb.tar.gz"))
	n := 0
	for _, b := range members {
		if n++; n > 20 {
			break
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"0.5.0"}]}]}]}`))
	f.Add([]byte(`[{"id":"X","withdrawn":"x"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "rec.json", data)
		fuzzLoad(t, "rec.yaml", data)
	})
}

func FuzzSecDB(f *testing.F) {
	dir := testutil.DataDir(f)
	addSeedFiles(f, filepath.Join(dir, "advisories", "alpine-secdb-3.20-subset", "*.json"))
	// Legacy YAML files are large; seed with their first packages.
	files, _ := filepath.Glob(filepath.Join(dir, "advisories", "alpine-secdb-legacy", "v3.9", "*.yaml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			if len(b) > 4000 {
				b = b[:4000]
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"distroversion":"v3.20","reponame":"main","packages":[{"pkg":{"name":"a","secfixes":{"0":["CVE-1"],"1.0-r0":["CVE-2024-1 XSA-1"]}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "v3.20/main.json", data)
		fuzzLoad(t, "v3.9/main.yaml", data)
	})
}

func FuzzDebianTracker(f *testing.F) {
	f.Add([]byte(`{"openssl":{"CVE-2024-1":{"releases":{"bookworm":{"status":"resolved","fixed_version":"1.0-1","urgency":"low"}}}}}`))
	f.Add([]byte(`{"a":{"CVE-1":{"releases":{"sid":{"status":"open"}}}},"b":{"TEMP-1":{}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "tracker.json", data)
	})
}

func FuzzDSAList(f *testing.F) {
	p := testutil.Data(f, "advisories", "debian-security-tracker-2023-04", "data", "DSA", "list")
	b, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i := 0; i+12 < len(lines) && i < 12*40; i += 12 {
		f.Add([]byte(strings.Join(lines[i:i+12], "\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, bad, err := ParseDSAList(bytes.NewReader(data))
		if err != nil {
			return // over-long line: a read failure, reported
		}
		for _, e := range entries {
			if e.ID == "" {
				t.Fatalf("entry without id: %+v", e)
			}
		}
		_ = bad
		ix := NewDSAIndex(entries)
		for _, e := range entries {
			for _, c := range e.CVEs {
				a := &advisory.Advisory{ID: c, Affected: []advisory.Affected{{Ecosystem: "Debian:11", Package: e.Package}}}
				ix.Attach(a)
			}
		}
	})
}
