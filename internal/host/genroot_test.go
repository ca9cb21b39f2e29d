package host

import (
	"archive/zip"
	"bufio"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/host/genroot"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
)

// expectedInventory reads a generated root with its own small parsers, not
// the analyzers': installed dpkg stanzas, node_modules package.json files,
// dist-info METADATA, jars' pom.properties and Go executables' build info
// (debug/buildinfo, what `go version -m` prints). Directories under skip
// are left out, as the host scan does by default. Each package is
// "type name version path".
func expectedInventory(t *testing.T, root string, skip []string) []string {
	t.Helper()
	var want []string
	st, err := os.ReadFile(filepath.Join(root, "var/lib/dpkg/status"))
	if err != nil {
		t.Fatal(err)
	}
	for stanza := range strings.SplitSeq(string(st), "\n\n") {
		f := map[string]string{}
		for line := range strings.Lines(stanza) {
			if k, v, ok := strings.Cut(strings.TrimRight(line, "\n"), ": "); ok && !strings.HasPrefix(k, " ") {
				f[k] = v
			}
		}
		if f["Status"] == "install ok installed" {
			want = append(want, "deb "+f["Package"]+" "+f["Version"]+" var/lib/dpkg/status")
		}
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && slices.Contains(skip, rel) {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch {
		case d.Name() == "package.json" && strings.Contains(rel, "node_modules/"):
			var m struct{ Name, Version string }
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			want = append(want, "npm "+m.Name+" "+m.Version+" "+rel)
		case d.Name() == "METADATA" && strings.HasSuffix(path.Dir(rel), ".dist-info"):
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			var name, version string
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "Name: "); ok {
					name = v
				}
				if v, ok := strings.CutPrefix(sc.Text(), "Version: "); ok {
					version = v
				}
			}
			want = append(want, "pypi "+name+" "+version+" "+rel)
		case strings.HasSuffix(rel, ".jar"):
			zr, err := zip.OpenReader(p)
			if err != nil {
				return err
			}
			defer zr.Close()
			for _, zf := range zr.File {
				if path.Base(zf.Name) != "pom.properties" {
					continue
				}
				r, err := zf.Open()
				if err != nil {
					return err
				}
				b, _ := io.ReadAll(r)
				r.Close()
				props := map[string]string{}
				for line := range strings.Lines(string(b)) {
					if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
						props[k] = v
					}
				}
				want = append(want, "maven "+props["groupId"]+":"+props["artifactId"]+" "+props["version"]+" "+rel)
			}
		default:
			info, err := d.Info()
			if err != nil || info.Mode()&0o111 == 0 {
				return err
			}
			bi, err := buildinfo.ReadFile(p)
			if err != nil {
				return nil // not a Go executable
			}
			want = append(want, "go-module stdlib "+strings.TrimPrefix(bi.GoVersion, "go")+" "+rel)
			if v := bi.Main.Version; v != "" && v != "(devel)" {
				want = append(want, "go-module "+bi.Main.Path+" "+v+" "+rel)
			}
			for _, dep := range bi.Deps {
				if dep.Replace != nil {
					dep = dep.Replace
				}
				if dep.Version != "" {
					want = append(want, "go-module "+dep.Path+" "+dep.Version+" "+rel)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	return want
}

func inventoryOf(pkgs []report.Package) []string {
	var got []string
	for _, p := range pkgs {
		got = append(got, p.Type+" "+p.Name+" "+p.Version+" "+p.Path)
	}
	slices.Sort(got)
	return got
}

// diff reports the first differences between two sorted lists.
func diff(t *testing.T, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	var missing, extra []string
	for _, w := range want {
		if _, ok := slices.BinarySearch(got, w); !ok {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if _, ok := slices.BinarySearch(want, g); !ok {
			extra = append(extra, g)
		}
	}
	t.Errorf("%s: %d packages, want %d; missing %q; extra %q", what, len(got), len(want),
		missing[:min(5, len(missing))], extra[:min(5, len(extra))])
}

// TestGeneratedRoot scans a generated root (dpkg packages with their
// executables, node_modules trees, Python distributions, jars, Go
// executables, and the caches and container storage skipped by default):
// the host scan's inventory is what the tree's package databases and files
// say, read independently; with caches and container storage walked, the
// scan equals an image scan of the same tree packed as one layer.
func TestGeneratedRoot(t *testing.T) {
	root := t.TempDir()
	stats, err := genroot.Generate(root, genroot.Options{Units: 6})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %+v", stats)

	defaultSkips := []string{"root/go/pkg/mod", "root/.npm", "var/lib/docker"}
	tests := []struct {
		name string
		opts Options
		skip []string
	}{
		{"defaults", Options{}, defaultSkips},
		{"one worker", Options{Workers: 1}, defaultSkips},
		{"per-component opens", Options{noOpenat2: true}, defaultSkips},
		{"caches and containers", Options{Caches: true, ContainerStorage: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var skipped []string
			tt.opts.Skipped = func(dir, why string) { skipped = append(skipped, dir) }
			tt.opts.Warn = func(m string) { t.Errorf("warning: %s", m) }
			a, err := Analyze(context.Background(), root, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			inv := merge(a)
			diff(t, "host scan", inventoryOf(inv.Packages), expectedInventory(t, root, tt.skip))
			if inv.OS == nil || inv.OS.ID != "debian" || inv.OS.VersionID != "12" {
				t.Errorf("OS %+v", inv.OS)
			}
			slices.Sort(skipped)
			var wantSkipped []string
			for _, s := range tt.skip {
				wantSkipped = append(wantSkipped, "/"+s)
			}
			slices.Sort(wantSkipped)
			if !slices.Equal(skipped, wantSkipped) {
				t.Errorf("skipped %q, want %q", skipped, wantSkipped)
			}
			if a.Entries < stats.Entries-100 {
				t.Errorf("walked %d entries of %d", a.Entries, stats.Entries)
			}
		})
	}

	// The same tree as an image layer.
	a, err := Analyze(context.Background(), root, Options{Caches: true, ContainerStorage: true})
	if err != nil {
		t.Fatal(err)
	}
	hostInv := merge(a)
	layerFile := filepath.Join(t.TempDir(), "root.tar")
	packTree(t, root, layerFile)
	l, err := imagebuild.FromFile(layerFile)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagebuild.Image(imagebuild.Layer{Layer: l, CreatedBy: "genroot"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := (&scan.Scanner{Analyzers: all.Analyzers(), OSPriority: all.OSPriority}).Scan(context.Background(), scan.Target{Image: img, Reference: "genroot"}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hk, ik := keys(hostInv.Packages), keys(rep.Packages)
	if !slices.Equal(hk, ik) {
		t.Errorf("host scan: %d packages, image scan: %d; they differ", len(hk), len(ik))
		for i := range min(len(hk), len(ik)) {
			if hk[i] != ik[i] {
				t.Fatalf("package %d: host %+v, image %+v", i, hk[i], ik[i])
			}
		}
	}
	if !sameOS(hostInv.OS, rep.OS) {
		t.Errorf("OS: host %+v, image %+v", hostInv.OS, rep.OS)
	}
}
