package node

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/analyzertest"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// rootManifest is an independent, regexp-based reading of what a package
// root is.
var rootManifest = regexp.MustCompile(`(^|/)node_modules/(@[^/]+/)?[^/.@][^/]*/package\.json$`)

// fixtureFiles reads the fixture image's npm files with a plain tar walk.
func fixtureFiles(t testing.TB, img v1.Image) (installed map[string]string, lockfiles map[string][]byte) {
	installed = map[string]string{} // path -> name@version
	lockfiles = map[string][]byte{}
	analyzertest.LayerFiles(t, img, func(_ int, hdr *tar.Header, r io.Reader) {
		name := strings.TrimPrefix(hdr.Name, "./")
		switch {
		case rootManifest.MatchString(name):
			var doc map[string]any
			b, _ := io.ReadAll(r)
			if json.Unmarshal(b, &doc) != nil {
				return
			}
			n, _ := doc["name"].(string)
			v, _ := doc["version"].(string)
			if n != "" && v != "" {
				installed[name] = n + "@" + v
			}
		case filepath.Base(name) == "package-lock.json" && !strings.Contains(name, "node_modules/"):
			lockfiles[name], _ = io.ReadAll(r)
		}
	})
	return installed, lockfiles
}

func TestFixtureImage(t *testing.T) {
	img := analyzertest.OpenOCIArchive(t, analyzertest.FixtureImage)
	installed, lockfiles := fixtureFiles(t, img)
	if len(installed) < 10 || len(lockfiles) != 1 {
		t.Fatalf("fixture: %d installed packages, %d lockfiles", len(installed), len(lockfiles))
	}

	gotInstalled := map[string]string{}
	gotLock := map[string][]string{}
	for i, a := range analyzertest.WalkLayers(t, img, New()) {
		for _, f := range a.Files {
			if f.Err != "" {
				t.Errorf("layer %d: %s: %s", i, f.Path, f.Err)
			}
			if f.Result == nil {
				continue
			}
			for _, p := range f.Result.Packages {
				if p.Type != report.TypeNPM || p.Path != f.Path || !strings.HasPrefix(p.PURL, "pkg:npm/") {
					t.Errorf("bad package %+v in %s", p, f.Path)
				}
				if strings.HasSuffix(f.Path, "/package.json") {
					gotInstalled[f.Path] = p.Name + "@" + p.Version
				} else {
					gotLock[f.Path] = append(gotLock[f.Path], p.Name+"@"+p.Version)
				}
			}
		}
	}
	if !reflect.DeepEqual(gotInstalled, installed) {
		t.Errorf("installed packages differ:\n got %v\nwant %v", gotInstalled, installed)
	}
	for _, want := range []string{"lodash@4.17.15", "express@4.17.1", "axios@0.21.0", "jsonwebtoken@8.5.1", "semver@5.7.1"} {
		found := false
		for _, v := range installed {
			found = found || v == want
		}
		if !found {
			t.Errorf("fixture lacks documented package %s", want)
		}
	}

	// Lockfile: every non-dev node_modules/ entry of "packages", counted
	// by a generic JSON reading.
	for p, b := range lockfiles {
		var doc struct {
			Packages map[string]map[string]any `json:"packages"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for key, e := range doc.Packages {
			if key == "" || e["dev"] == true {
				continue
			}
			name := key[strings.LastIndex(key, "node_modules/")+len("node_modules/"):]
			want[name+"@"+e["version"].(string)] = true
		}
		var wantList []string
		for k := range want {
			wantList = append(wantList, k)
		}
		sort.Strings(wantList)
		got := gotLock[p]
		sort.Strings(got)
		if !reflect.DeepEqual(got, wantList) {
			t.Errorf("%s: got %v\nwant %v", p, got, wantList)
		}
	}
}

func TestIsPackageRoot(t *testing.T) {
	for p, want := range map[string]bool{
		"app/node_modules/lodash/package.json":                         true,
		"node_modules/lodash/package.json":                             true,
		"app/node_modules/@babel/core/package.json":                    true,
		"app/node_modules/send/node_modules/ms/package.json":           true,
		"usr/lib/node_modules/npm/node_modules/@npmcli/x/package.json": true,
		"app/node_modules/lodash/fp/package.json":                      false,
		"app/node_modules/@babel/package.json":                         false,
		"app/node_modules/.bin/package.json":                           false,
		"app/package.json":                                             false,
		"app/my_node_modules/x/package.json":                           false,
		"app/node_modules/x/lib/esm/package.json":                      false,
	} {
		if got := IsPackageRoot(p); got != want {
			t.Errorf("IsPackageRoot(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestParsePackageJSON(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // name@version or ""
		purl     string
		wantErr  bool
	}{
		{"plain", `{"name":"lodash","version":"4.17.15"}`, "lodash@4.17.15", "pkg:npm/lodash@4.17.15", false},
		{"scoped", `{"name":"@babel/core","version":"7.0.0","main":"x"}`, "@babel/core@7.0.0", "pkg:npm/%40babel/core@7.0.0", false},
		{"no version", `{"name":"x"}`, "", "", false},
		{"numeric version", `{"name":"x","version":1}`, "", "", false},
		{"odd other field", `{"name":"x","version":"1.0.0","bin":7}`, "x@1.0.0", "pkg:npm/x@1.0.0", false},
		{"array", `[]`, "", "", true},
		{"truncated", `{"name":"x","vers`, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok, err := ParsePackageJSON([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			got := ""
			if ok {
				got = p.Name + "@" + p.Version
			}
			if got != tt.want || (ok && p.PURL != tt.purl) {
				t.Errorf("got %q %q, want %q %q", got, p.PURL, tt.want, tt.purl)
			}
		})
	}
}

func TestParseLockfile(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		wantErr  bool
	}{
		{
			name: "v1 nested, dev skipped",
			in: `{"lockfileVersion":1,"dependencies":{
				"a":{"version":"1.0.0","dependencies":{"b":{"version":"2.0.0"}}},
				"jest":{"version":"29.0.0","dev":true},
				"c":{"version":"git+https://github.com/x/c.git#abc"},
				"d":{"version":"npm:@scope/real@3.0.0"}}}`,
			want: []string{"@scope/real@3.0.0", "a@1.0.0", "b@2.0.0"},
		},
		{
			name: "v2 reads packages, not dependencies",
			in: `{"lockfileVersion":2,"packages":{
				"":{"name":"root","version":"1.0.0"},
				"node_modules/a":{"version":"1.0.0"},
				"node_modules/a/node_modules/b":{"version":"2.0.0"},
				"node_modules/@s/c":{"version":"3.0.0"},
				"node_modules/alias":{"name":"real","version":"4.0.0"},
				"node_modules/ws":{"resolved":"packages/ws","link":true},
				"packages/ws":{"version":"0.0.1"},
				"node_modules/t":{"version":"5.0.0","dev":true}},
				"dependencies":{"zzz":{"version":"9.9.9"}}}`,
			want: []string{"@s/c@3.0.0", "a@1.0.0", "b@2.0.0", "real@4.0.0"},
		},
		{
			name: "v3 duplicates folded",
			in: `{"lockfileVersion":3,"packages":{"node_modules/ms":{"version":"2.0.0"},
				"node_modules/x/node_modules/ms":{"version":"2.0.0"},"node_modules/y/node_modules/ms":{"version":"2.1.3"}}}`,
			want: []string{"ms@2.0.0", "ms@2.1.3"},
		},
		{name: "empty v3", in: `{"lockfileVersion":3,"packages":{}}`},
		{name: "not a lockfile", in: `{"name":"x"}`, wantErr: true},
		{name: "not json", in: `lockfileVersion: 3`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs, err := ParseLockfile([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			var got []string
			for _, p := range pkgs {
				got = append(got, p.Name+"@"+p.Version)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWants(t *testing.T) {
	a := New()
	for p, want := range map[string]bool{
		"app/package-lock.json":                true,
		"npm-shrinkwrap.json":                  true,
		"app/node_modules/.package-lock.json":  false,
		"app/node_modules/x/package-lock.json": false,
		"app/node_modules/lodash/package.json": true,
		"app/package.json":                     false,
		"app/node_modules/lodash/lodash.js":    false,
	} {
		if got := a.Wants(p, 0o644, 100); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}

func fixtureSeeds(f *testing.F, want func(string) bool) {
	dir := os.Getenv("SCANFLEET_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "testdata")
	}
	if _, err := os.Stat(filepath.Join(dir, "images", analyzertest.FixtureImage)); err != nil {
		return
	}
	img := analyzertest.OpenOCIArchive(f, analyzertest.FixtureImage)
	n := 0
	analyzertest.LayerFiles(f, img, func(_ int, hdr *tar.Header, r io.Reader) {
		if n < 20 && want(strings.TrimPrefix(hdr.Name, "./")) {
			b, _ := io.ReadAll(r)
			f.Add(b)
			n++
		}
	})
}

func FuzzPackageJSON(f *testing.F) {
	f.Add([]byte(`{"name":"@a/b","version":"1.0.0"}`))
	fixtureSeeds(f, IsPackageRoot)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, ok, err := ParsePackageJSON(b)
		if ok && (err != nil || p.Name == "" || p.Version == "") {
			t.Fatalf("ok with %+v, %v", p, err)
		}
	})
}

func FuzzPackageLock(f *testing.F) {
	f.Add([]byte(`{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0","dependencies":{"b":{"version":"npm:c@2"}}}}}`))
	fixtureSeeds(f, IsLockfile)
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, err := ParseLockfile(b)
		if err != nil && len(pkgs) > 0 {
			t.Fatal("packages with an error")
		}
	})
}

// BenchmarkNodeModulesLayer walks the fixture image's node_modules layer
// (the layer with the most npm packages) with the npm analyzer, from its
// compressed bytes in memory.
func BenchmarkNodeModulesLayer(b *testing.B) {
	img := analyzertest.OpenOCIArchive(b, analyzertest.FixtureImage)
	layers, err := img.Layers()
	if err != nil {
		b.Fatal(err)
	}
	w := &layer.Walker{Analyzers: []analyzer.Analyzer{New()}}
	var blob []byte
	most := 0
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			b.Fatal(err)
		}
		a, err := w.Analyze(context.Background(), bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if n := countPackages(a); n > most {
			most, blob = n, data
		}
	}
	if most == 0 {
		b.Fatal("no npm layer in the fixture")
	}
	b.SetBytes(int64(len(blob)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, err := w.Analyze(context.Background(), bytes.NewReader(blob))
		if err != nil {
			b.Fatal(err)
		}
		if countPackages(a) != most {
			b.Fatal("package count changed")
		}
	}
	b.ReportMetric(float64(most), "packages")
}

func countPackages(a *layer.Analysis) int {
	n := 0
	for _, f := range a.Files {
		if f.Result != nil && strings.HasSuffix(f.Path, "/package.json") {
			n += len(f.Result.Packages)
		}
	}
	return n
}
