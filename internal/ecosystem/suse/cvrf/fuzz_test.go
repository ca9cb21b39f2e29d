package cvrf_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/suse/cvrf"
	"github.com/scanfleet/scanfleet/internal/version"
)

// FuzzParse: any input gives an advisory or an error, never a panic, and
// every advisory is one the database can store: an id, and affected
// entries whose fixed versions the rpm ordering reads. The seeds are the
// real documents of the shared data (when present) and the XML form;
// `go test -fuzz FuzzParse ./internal/ecosystem/suse/cvrf` starts from
// them.
func FuzzParse(f *testing.F) {
	f.Add([]byte(xmlDoc))
	dir := os.Getenv("SCANFLEET_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "..", "shared", "testdata")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "distros", "*", "cvrf", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if a, err := cvrf.ParseJSON(data); err == nil {
			check(t, a)
		}
		if a, err := cvrf.ParseXML(data); err == nil {
			check(t, a)
		}
	})
}

func check(t *testing.T, a *advisory.Advisory) {
	t.Helper()
	if a.ID == "" || len(a.Affected) == 0 {
		t.Fatalf("advisory without id or affected packages: %+v", a)
	}
	for _, af := range a.Affected {
		cmp, err := version.For(af.Ecosystem)
		if err != nil {
			t.Fatalf("%s: %v", af.Ecosystem, err)
		}
		if af.Package == "" || len(af.Ranges) != 1 || len(af.Ranges[0].Events) != 2 {
			t.Fatalf("bad affected entry %+v", af)
		}
		if _, err := cmp.Compare(af.Ranges[0].Events[1].Fixed, "1.0-1"); err != nil {
			t.Fatalf("fixed version %q unreadable: %v", af.Ranges[0].Events[1].Fixed, err)
		}
	}
}
