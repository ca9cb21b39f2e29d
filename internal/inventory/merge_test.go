package inventory

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// db builds a file result listing name=version packages.
func db(path string, pkgs ...string) layer.File {
	r := &analyzer.Result{}
	for _, p := range pkgs {
		n, v, _ := strings.Cut(p, "=")
		r.Packages = append(r.Packages, report.Package{Name: n, Version: v, Type: "deb"})
	}
	return layer.File{Path: path, Analyzer: "dpkg", Result: r}
}

func osFile(path, id string) layer.File {
	return layer.File{Path: path, Analyzer: "os", Result: &analyzer.Result{OS: &report.OS{ID: id}}}
}

func metas(n int) []report.Layer {
	var out []report.Layer
	for i := 0; i < n; i++ {
		out = append(out, report.Layer{Digest: fmt.Sprintf("L%d", i), CreatedBy: fmt.Sprintf("step %d", i)})
	}
	return out
}

func prio(p string) int {
	if p == "etc/os-release" {
		return 0
	}
	return 1
}

// summary renders packages as name=version@layer, sorted.
func summary(inv *Inventory) string {
	var out []string
	for _, p := range inv.Packages {
		out = append(out, p.Name+"="+p.Version+"@"+p.Layer)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestMerge(t *testing.T) {
	const st = "var/lib/dpkg/status"
	tests := []struct {
		name     string
		layers   []*layer.Analysis
		want     string
		wantOS   string
		problems int
	}{
		{
			name:   "single layer",
			layers: []*layer.Analysis{{Files: []layer.File{db(st, "a=1", "b=1"), osFile("etc/os-release", "debian")}}},
			want:   "a=1@L0 b=1@L0", wantOS: "debian",
		},
		{
			name: "upgrade in a later layer is attributed to it; unchanged keep their layer",
			layers: []*layer.Analysis{
				{Files: []layer.File{db(st, "a=1", "b=1")}},
				{Files: []layer.File{db(st, "a=2", "b=1", "c=1")}},
			},
			want: "a=2@L1 b=1@L0 c=1@L1",
		},
		{
			name: "package removed in a later layer disappears",
			layers: []*layer.Analysis{
				{Files: []layer.File{db(st, "a=1", "b=1")}},
				{Files: []layer.File{db(st, "a=1")}},
			},
			want: "a=1@L0",
		},
		{
			name: "whiteout of the database file removes its packages",
			layers: []*layer.Analysis{
				{Files: []layer.File{db(st, "a=1"), db("var/lib/dpkg/status.d/x", "x=1")}},
				{Whiteouts: []string{st}},
			},
			want: "x=1@L0",
		},
		{
			name: "whiteout of a parent directory removes everything under it",
			layers: []*layer.Analysis{
				{Files: []layer.File{db(st, "a=1"), db("var/lib/dpkg/status.d/x", "x=1"), db("opt/status", "o=1")}},
				{Whiteouts: []string{"var/lib/dpkg"}},
			},
			want: "o=1@L0",
		},
		{
			name: "opaque directory hides lower contents but not its own layer's",
			layers: []*layer.Analysis{
				{Files: []layer.File{db("var/lib/dpkg/status.d/x", "x=1"), db("var/lib/dpkg/status.d/y", "y=1")}},
				{Opaque: []string{"var/lib/dpkg/status.d"}, Files: []layer.File{db("var/lib/dpkg/status.d/y", "y=1")}},
			},
			// y is identical to the lower one but the lower file was hidden
			// first, so y's history restarts in L1.
			want: "y=1@L1",
		},
		{
			name: "re-added after whiteout is attributed to the re-adding layer",
			layers: []*layer.Analysis{
				{Files: []layer.File{db(st, "a=1")}},
				{Whiteouts: []string{st}},
				{Files: []layer.File{db(st, "a=1")}},
			},
			want: "a=1@L2",
		},
		{
			name: "replaced by a symlink hides the lower file",
			layers: []*layer.Analysis{
				{Files: []layer.File{osFile("etc/os-release", "old"), osFile("usr/lib/os-release", "new")}},
				{Replaced: []string{"etc/os-release"}},
			},
			wantOS: "new",
		},
		{
			name: "OS priority: etc/os-release wins over fallbacks",
			layers: []*layer.Analysis{
				{Files: []layer.File{osFile("etc/alpine-release", "fallback"), osFile("etc/os-release", "alpine")}},
			},
			wantOS: "alpine",
		},
		{
			name: "unparsable file in the final view is a problem; a deleted one is not",
			layers: []*layer.Analysis{
				{Files: []layer.File{{Path: "a/status", Analyzer: "dpkg", Err: "bad"}, {Path: st, Analyzer: "dpkg", Err: "bad"}}},
				{Whiteouts: []string{"a"}},
			},
			problems: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := Merge(tc.layers, metas(len(tc.layers)), prio)
			if got := summary(inv); got != tc.want {
				t.Errorf("packages = %q, want %q", got, tc.want)
			}
			gotOS := ""
			if inv.OS != nil {
				gotOS = inv.OS.ID
			}
			if gotOS != tc.wantOS {
				t.Errorf("os = %q, want %q", gotOS, tc.wantOS)
			}
			if len(inv.Problems) != tc.problems {
				t.Errorf("problems = %q, want %d", inv.Problems, tc.problems)
			}
			for _, p := range inv.Packages {
				if p.LayerCreatedBy == "" || p.Path == "" {
					t.Errorf("package %s lacks layer history or path: %+v", p.Name, p)
				}
			}
		})
	}
}
