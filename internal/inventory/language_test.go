package inventory

import (
	"archive/tar"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/analyzertest"
	"github.com/scanfleet/scanfleet/internal/analyzer/dpkg"
	"github.com/scanfleet/scanfleet/internal/analyzer/node"
	"github.com/scanfleet/scanfleet/internal/analyzer/python"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
)

func lang(p, typ string, pkgs ...string) layer.File {
	r := &analyzer.Result{}
	for _, s := range pkgs {
		n, v, _ := strings.Cut(s, "=")
		r.Packages = append(r.Packages, report.Package{Name: n, Version: v, Type: typ, Path: p})
	}
	return layer.File{Path: p, Analyzer: typ, Result: r}
}

func owns(listPath, owner string, paths ...string) layer.File {
	return layer.File{Path: listPath, Analyzer: "dpkg", Result: &analyzer.Result{Owns: &analyzer.Ownership{Owner: owner, Paths: paths}}}
}

func langSummary(pkgs []report.Package) []string {
	var out []string
	for _, p := range pkgs {
		s := p.Type + " " + p.Name + "@" + p.Version + " " + p.Path
		if p.OwnedBy != "" {
			s += " owned-by " + p.OwnedBy
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestLanguageRules(t *testing.T) {
	const meta = "usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info/METADATA"
	tests := []struct {
		name   string
		layers []*layer.Analysis
		want   []string
	}{
		{
			name: "npm lockfile dropped when its tree is installed",
			layers: []*layer.Analysis{
				{Files: []layer.File{lang("app/package-lock.json", "npm", "lodash=4.17.15", "jest=29.0.0")}},
				{Files: []layer.File{lang("app/node_modules/lodash/package.json", "npm", "lodash=4.17.15")}},
			},
			want: []string{"npm lodash@4.17.15 app/node_modules/lodash/package.json"},
		},
		{
			name: "npm lockfile kept without a tree beside it",
			layers: []*layer.Analysis{{Files: []layer.File{
				lang("srv/package-lock.json", "npm", "minimist=1.2.0"),
				lang("app/node_modules/lodash/package.json", "npm", "lodash=4.17.15"),
			}}},
			want: []string{"npm lodash@4.17.15 app/node_modules/lodash/package.json", "npm minimist@1.2.0 srv/package-lock.json"},
		},
		{
			name: "npm lockfile at the root, tree deleted by a later layer",
			layers: []*layer.Analysis{
				{Files: []layer.File{lang("package-lock.json", "npm", "a=1.0.0"), lang("node_modules/a/package.json", "npm", "a=1.0.0")}},
				{Whiteouts: []string{"node_modules"}},
			},
			want: []string{"npm a@1.0.0 package-lock.json"},
		},
		{
			name: "composer.lock gives way to installed.json",
			layers: []*layer.Analysis{{Files: []layer.File{
				lang("var/www/composer.lock", "composer", "laravel/framework=v9.52.4"),
				lang("var/www/vendor/composer/installed.json", "composer", "laravel/framework=v9.52.4", "phpunit/phpunit=9.6.4"),
				lang("opt/tool/composer.lock", "composer", "psr/log=1.1.0"),
			}}},
			want: []string{
				"composer laravel/framework@v9.52.4 var/www/vendor/composer/installed.json",
				"composer phpunit/phpunit@9.6.4 var/www/vendor/composer/installed.json",
				"composer psr/log@1.1.0 opt/tool/composer.lock",
			},
		},
		{
			name: "dist-info shipped by a Debian package",
			layers: []*layer.Analysis{
				{Files: []layer.File{
					owns("var/lib/dpkg/info/python3-cryptography.list", "deb:python3-cryptography", "usr/lib/python3/dist-packages", meta),
					lang(meta, "pypi", "cryptography=38.0.4"),
					lang("usr/local/lib/python3.11/site-packages/idna-3.4.dist-info/METADATA", "pypi", "idna=3.4"),
				}},
			},
			want: []string{
				"pypi cryptography@38.0.4 " + meta + " owned-by deb:python3-cryptography",
				"pypi idna@3.4 usr/local/lib/python3.11/site-packages/idna-3.4.dist-info/METADATA",
			},
		},
		{
			name: "OS package removed in a later layer no longer owns",
			layers: []*layer.Analysis{
				{Files: []layer.File{owns("var/lib/dpkg/info/python3-cryptography.list", "deb:python3-cryptography", meta), lang(meta, "pypi", "cryptography=38.0.4")}},
				{Whiteouts: []string{"var/lib/dpkg/info/python3-cryptography.list"}},
			},
			want: []string{"pypi cryptography@38.0.4 " + meta},
		},
		{
			name: "nested jar owned through its archive",
			layers: []*layer.Analysis{{Files: []layer.File{
				owns("var/lib/dpkg/info/jenkins.list", "deb:jenkins", "usr/share/java/jenkins.war"),
				lang("usr/share/java/jenkins.war", "maven", "org.jenkins-ci.main:jenkins-war=2.387"),
				{Path: "usr/share/java/jenkins.war", Analyzer: "maven2", Result: &analyzer.Result{Packages: []report.Package{
					{Name: "org.kohsuke:args4j", Version: "2.33", Type: "maven", Path: "usr/share/java/jenkins.war!/WEB-INF/lib/args4j-2.33.jar"}}}},
			}}},
			want: []string{
				"maven org.jenkins-ci.main:jenkins-war@2.387 usr/share/java/jenkins.war owned-by deb:jenkins",
				"maven org.kohsuke:args4j@2.33 usr/share/java/jenkins.war!/WEB-INF/lib/args4j-2.33.jar owned-by deb:jenkins",
			},
		},
		{
			name: "OS packages themselves are never marked",
			layers: []*layer.Analysis{{Files: []layer.File{
				owns("var/lib/dpkg/info/dpkg.list", "deb:dpkg", "var/lib/dpkg/status"),
				db("var/lib/dpkg/status", "dpkg=1.21.22"),
			}}},
			want: []string{"deb dpkg@1.21.22 var/lib/dpkg/status"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := Merge(tt.layers, metas(len(tt.layers)), prio)
			got := langSummary(inv.Packages)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestFixtureImageNPM merges the fixture image's layers, where the
// lockfile (layer 3) and the installed tree (layer 4) are both present:
// only installed packages remain, one per node_modules package root.
func TestFixtureImageNPM(t *testing.T) {
	img := analyzertest.OpenOCIArchive(t, analyzertest.FixtureImage)
	root := regexp.MustCompile(`(^|/)node_modules/(@[^/]+/)?[^/.@][^/]*/package\.json$`)
	want := map[string]bool{}
	lockfiles := 0
	analyzertest.LayerFiles(t, img, func(_ int, hdr *tar.Header, r io.Reader) {
		name := strings.TrimPrefix(hdr.Name, "./")
		if filepath.Base(name) == "package-lock.json" {
			lockfiles++
		}
		if !root.MatchString(name) {
			return
		}
		var doc struct{ Name, Version string }
		b, _ := io.ReadAll(r)
		if json.Unmarshal(b, &doc) == nil && doc.Name != "" && doc.Version != "" {
			want[doc.Name+"@"+doc.Version+" "+name] = true
		}
	})
	if lockfiles == 0 {
		t.Fatal("fixture has no lockfile: the rule is not exercised")
	}
	analyses := analyzertest.WalkLayers(t, img, node.New())
	inv := Merge(analyses, metas(len(analyses)), prio)
	got := map[string]bool{}
	for _, p := range inv.Packages {
		if strings.HasSuffix(p.Path, "package-lock.json") {
			t.Errorf("lockfile package kept: %+v", p)
		}
		got[p.Name+"@"+p.Version+" "+p.Path] = true
	}
	if len(got) != len(want) {
		t.Errorf("%d packages, want %d", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing %s", k)
		}
	}
}

// TestHostDebianPython runs the dpkg and python analyzers on this
// machine's own Debian python3 packages, when it has them, and checks
// OwnedBy against the package named by the .list that contains the path,
// found by a plain text search.
func TestHostDebianPython(t *testing.T) {
	const site = "/usr/lib/python3/dist-packages"
	lists, _ := filepath.Glob("/var/lib/dpkg/info/*.list")
	metas, _ := filepath.Glob(site + "/*.dist-info/METADATA")
	if len(lists) == 0 || len(metas) == 0 {
		t.Skip("no Debian Python packages on this machine")
	}
	files := map[string][]byte{}
	for _, f := range append(lists, metas...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[strings.TrimPrefix(f, "/")] = b
	}
	var a layer.Analysis
	for _, an := range []analyzer.Analyzer{dpkg.New(), python.New()} {
		for p, b := range files {
			if !an.Wants(p, 0o644, int64(len(b))) {
				continue
			}
			res, err := an.Analyze(context.Background(), p, b)
			f := layer.File{Path: p, Analyzer: an.Name(), Result: res}
			if err != nil {
				f.Err = err.Error()
			}
			a.Files = append(a.Files, f)
		}
	}
	inv := Merge([]*layer.Analysis{&a}, metas1(), prio)
	checked, owned := 0, 0
	for _, p := range inv.Packages {
		if p.Type != "pypi" {
			continue
		}
		want := ""
		for _, l := range lists {
			if strings.Contains("\n"+string(files[strings.TrimPrefix(l, "/")]), "\n/"+p.Path+"\n") {
				pkg, _, _ := strings.Cut(strings.TrimSuffix(filepath.Base(l), ".list"), ":")
				want = "deb:" + pkg
			}
		}
		if p.OwnedBy != want {
			t.Errorf("%s: OwnedBy %q, want %q", p.Path, p.OwnedBy, want)
		}
		checked++
		if want != "" {
			owned++
		}
	}
	t.Logf("%d Python packages checked, %d owned by Debian packages", checked, owned)
}

func metas1() []report.Layer { return metas(1) }
