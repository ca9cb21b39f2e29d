package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestImagesCoverageTagsAndPrefixes scans, through a real fleet, one
// Alpine 3.20 image pushed under two tags and an Alpine 3.19 image that
// the Alpine 3.20 database does not cover (issue 21, points 1 and 6):
// `images` lists both tags of the digest, says NOT COVERED instead of
// showing a clean row, filters on coverage, and `image show` takes the
// short digest `images` prints and lists every tag.
func TestImagesCoverageTagsAndPrefixes(t *testing.T) {
	db := alpineDB(t)
	host := imagetest.Registry(t)
	app := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	old := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.19.4-x86_64.tar.gz"))
	imagetest.Push(t, app, host+"/team/app:1.0")
	imagetest.Push(t, app, host+"/team/app:1.1")
	imagetest.Push(t, old, host+"/legacy/alpine:3.19")
	appDigest, err := app.Digest()
	if err != nil {
		t.Fatal(err)
	}

	f := newFleet(t, db, 1)
	admin := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.admin}
	reader := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.reader}
	if r := runCLI(t, admin, "registry", "add", "local", "--url", "http://"+host); r.code != 0 {
		t.Fatalf("registry add: exit %d: %s", r.code, r.stderr)
	}
	if r := runCLI(t, admin, "registry", "scan", "local", "--wait", "--timeout", "3m"); r.code != 0 {
		t.Fatalf("registry scan: exit %d: %s", r.code, r.stderr)
	}

	r := runCLI(t, reader, "images", "--format", "json")
	if r.code != 0 {
		t.Fatalf("images: exit %d: %s", r.code, r.stderr)
	}
	byRepo := map[string]api.ImageSummary{}
	for _, im := range decodeJSON[[]api.ImageSummary](t, r.stdout) {
		byRepo[im.Repository] = im
	}
	if im := byRepo["team/app"]; !slices.Equal(im.Tags, []string{"1.0", "1.1"}) || im.Coverage != api.CoverageCovered || im.Vulnerabilities == 0 {
		t.Errorf("team/app: tags %v coverage %q, %d findings; want [1.0 1.1], covered, findings", im.Tags, im.Coverage, im.Vulnerabilities)
	}
	if im := byRepo["legacy/alpine"]; im.Coverage != api.CoverageNotCovered || !slices.Equal(im.NotCovered, []string{"Alpine:v3.19"}) {
		t.Errorf("legacy/alpine: coverage %q %v, want not_covered [Alpine:v3.19]", im.Coverage, im.NotCovered)
	}

	r = runCLI(t, reader, "images")
	t.Logf("images:\n%s%s", r.stdout, r.stderr)
	rows := map[string]string{}
	for ln := range strings.SplitSeq(r.stdout, "\n") {
		if fs := strings.Fields(ln); len(fs) > 1 {
			rows[fs[1]] = ln
		}
	}
	if !strings.Contains(rows["legacy/alpine"], "NOT COVERED: Alpine:v3.19") || !strings.Contains(rows["team/app"], "1.0,1.1") ||
		!strings.Contains(rows["team/app"], "covered") || !strings.Contains(r.stderr, "1 image(s) NOT COVERED") {
		t.Errorf("images table does not show coverage and tags:\n%s%s", r.stdout, r.stderr)
	}

	for _, tc := range []struct {
		coverage string
		want     []string
	}{{"not_covered", []string{"legacy/alpine"}}, {"covered", []string{"team/app"}}, {"unknown", nil}} {
		r := runCLI(t, reader, "images", "--coverage", tc.coverage, "--format", "json")
		var got []string
		for _, im := range decodeJSON[[]api.ImageSummary](t, r.stdout) {
			got = append(got, im.Repository)
		}
		if r.code != 0 || !slices.Equal(got, tc.want) {
			t.Errorf("images --coverage %s: exit %d %v, want %v (%s)", tc.coverage, r.code, got, tc.want, r.stderr)
		}
	}
	if r := runCLI(t, reader, "images", "--coverage", "clean"); r.code == 0 || !strings.Contains(r.stderr, "not_covered") {
		t.Errorf("images --coverage clean: exit %d: %s", r.code, r.stderr)
	}

	// The short digest `images` prints, and the hex alone, name the image.
	short := shortDigest(appDigest.String())
	for _, arg := range []string{short, strings.TrimPrefix(short, "sha256:"), appDigest.String()} {
		r := runCLI(t, reader, "image", "show", arg)
		if r.code != 0 {
			t.Errorf("image show %s: exit %d: %s", arg, r.code, r.stderr)
			continue
		}
		if first, _, _ := strings.Cut(r.stdout, "\n"); first != "Tags: local/team/app:1.0, local/team/app:1.1" {
			t.Errorf("image show %s: first line %q, want both tags", arg, first)
		}
	}
	for _, tc := range []struct {
		arg  string
		code int
		says string
	}{
		{"sha256:zz", ExitUsage, "prefix"},
		{"abc", ExitUsage, "at least 4 hex digits"},
		{"sha256:0000", ExitError, "not scanned"},
	} {
		r := runCLI(t, reader, "image", "show", tc.arg)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.says) {
			t.Errorf("image show %s: exit %d %q, want %d saying %q", tc.arg, r.code, r.stderr, tc.code, tc.says)
		}
	}
}

// TestFleetTableShowsCoverage: the demo's fleet table says NOT COVERED
// for an image whose OS the database lacks, instead of a clean 0.
func TestFleetTableShowsCoverage(t *testing.T) {
	var b strings.Builder
	writeFleetTable(&b, []api.ImageSummary{
		{Repository: "demo/debian", Tag: "v1", Tags: []string{"v1", "latest"}, Digest: "sha256:" + strings.Repeat("a", 64), Packages: 120,
			Coverage: api.CoverageNotCovered, NotCovered: []string{"Debian:12"}, ScannedBy: "s1"},
		{Repository: "demo/go", Tag: "v2", Digest: "sha256:" + strings.Repeat("b", 64), Packages: 10, Vulnerabilities: 3,
			Coverage: api.CoverageCovered, ScannedBy: "s2"},
	})
	out := b.String()
	for _, want := range []string{"COVERAGE", "demo/debian:v1,latest", "NOT COVERED: Debian:12", "demo/go:v2", "covered"} {
		if !strings.Contains(out, want) {
			t.Errorf("fleet table lacks %q:\n%s", want, out)
		}
	}
}

// shortDigest is how the image tables print a digest: "sha256:" plus 12
// hex digits, as docker prints them.
func shortDigest(d string) string {
	if algo, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return algo + ":" + hex[:12]
	}
	return d
}
