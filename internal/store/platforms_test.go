package store

import (
	"slices"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestPlatformResults: the results of a multi-platform image are stored
// per platform manifest with their index digest and platform, listed by
// the index digest, and an admission lookup of the index (or of a tag
// pointing at it) finds its worst platform; a registry keeps its
// platforms setting. On SQLite and, when available, PostgreSQL.
func TestPlatformResults(t *testing.T) {
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "postgres" {
				testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
			}
			testPlatforms(openEnv(t, b))
		})
	}
}

func testPlatforms(e *env) {
	e.must(e.s.PutRegistry(e.ctx, Registry{Name: "r", URL: "http://r", Platforms: []string{"linux/amd64", "linux/arm64"}}))
	reg, ok, err := e.s.GetRegistry(e.ctx, "r")
	e.must(err)
	if !ok || !slices.Equal(reg.Platforms, []string{"linux/amd64", "linux/arm64"}) {
		e.t.Fatalf("registry platforms = %v (found %v)", reg.Platforms, ok)
	}

	const index = "sha256:1dx"
	plats := []struct {
		platform, digest string
		vulns            []report.Vulnerability
	}{
		{"linux/amd64", "sha256:a1", []report.Vulnerability{{ID: "CVE-1", Severity: "HIGH"}, {ID: "CVE-2", Severity: "LOW"}}},
		{"linux/arm64", "sha256:a2", []report.Vulnerability{{ID: "CVE-3", Severity: "CRITICAL"}}},
		{"linux/arm/v7", "sha256:a3", nil},
	}
	for i, p := range plats {
		r, raw := rep(1, p.vulns...)
		putResult(e, "task-"+p.platform, ImageSummary{Registry: "r", Repository: "app", Digest: p.digest, Tag: "v1",
			Reference: "r/app@" + p.digest, DBDigest: "db", ScannedAt: t0.Add(time.Duration(i) * time.Second), ScannedBy: "s",
			IndexDigest: index, Platform: p.platform}, r, raw)
	}
	// A result of a platform stored again without its index (a rescan
	// after a database update, a standalone submission of the platform's
	// digest) keeps the index and the platform.
	r0, raw0 := rep(1, plats[0].vulns...)
	putResult(e, "", ImageSummary{Registry: "r", Repository: "app", Digest: plats[0].digest, Tag: "v1", Reference: "r/app@" + plats[0].digest,
		DBDigest: "db", ScannedAt: t0.Add(time.Minute), ScannedBy: "s"}, r0, raw0)
	if got := mustList(e, ImageFilter{Digest: plats[0].digest}); len(got) != 1 || got[0].IndexDigest != index || got[0].Platform != "linux/amd64" || got[0].Scans != 2 {
		e.t.Errorf("platform re-stored without its index: %+v", got)
	}
	// A single-platform image beside it.
	r, raw := rep(1)
	putResult(e, "", ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:b", Tag: "v2", ScannedAt: t0, ScannedBy: "s"}, r, raw)
	e.must(e.s.PutTag(e.ctx, ImageKey{Registry: "r", Repository: "app", Digest: index}, "v1", t0))

	for _, f := range []ImageFilter{{Index: index}, {Digest: index}} {
		got := mustList(e, f)
		var ps []string
		for _, im := range got {
			if im.IndexDigest != index {
				e.t.Errorf("%+v: index digest %q", f, im.IndexDigest)
			}
			ps = append(ps, im.Platform)
		}
		slices.Sort(ps)
		if !slices.Equal(ps, []string{"linux/amd64", "linux/arm/v7", "linux/arm64"}) {
			e.t.Errorf("ListImages(%+v) platforms = %v", f, ps)
		}
	}
	if got := mustList(e, ImageFilter{Digest: "sha256:b"}); len(got) != 1 || got[0].Platform != "" || got[0].IndexDigest != "" {
		e.t.Errorf("single-platform image = %+v", got)
	}
	found, err := e.s.DigestsWithPrefix(e.ctx, "sha256:1d", 5)
	e.must(err)
	if !slices.Equal(found, []string{index}) {
		e.t.Errorf("DigestsWithPrefix(index prefix) = %v", found)
	}

	for _, c := range []struct {
		name                     string
		regs                     []string
		repo, tag, digest        string
		wantDigest, wantPlatform string
	}{
		{"tag of the index: worst platform", []string{"r"}, "app", "v1", "", "sha256:a2", "linux/arm64"},
		{"index digest: worst platform", []string{"r"}, "app", "", index, "sha256:a2", "linux/arm64"},
		{"index digest in another repository", []string{"r"}, "mirror", "", index, "sha256:a2", "linux/arm64"},
		{"one platform's digest: that platform", []string{"r"}, "app", "", "sha256:a1", "sha256:a1", ""},
		{"single-platform tag", []string{"r"}, "app", "v2", "", "sha256:b", ""},
	} {
		im, ok, err := e.s.FindImage(e.ctx, c.regs, c.repo, c.tag, c.digest)
		e.must(err)
		if !ok || im.Digest != c.wantDigest || im.Platform != c.wantPlatform || len(im.Report) == 0 {
			e.t.Errorf("%s: FindImage = %q %q (found %v, %d report bytes), want %q %q", c.name, im.Digest, im.Platform, ok, len(im.Report), c.wantDigest, c.wantPlatform)
		}
	}

	// A crawl that saw the index and its platforms keeps them; one that
	// no longer lists a platform marks that platform gone.
	seen := []Seen{{Repository: "app", Tag: "v1", Digest: index}, {Repository: "app", Tag: "v2", Digest: "sha256:b"},
		{Repository: "app", Digest: "sha256:a1"}, {Repository: "app", Digest: "sha256:a2"}}
	n, err := e.s.MarkGone(e.ctx, "r", seen, nil, t0.Add(time.Hour))
	e.must(err)
	if n.ImagesGone != 1 || n.TagsGone != 0 {
		e.t.Errorf("MarkGone = %+v, want the arm/v7 platform gone only", n)
	}
	if got := mustList(e, ImageFilter{Index: index}); len(got) != 2 {
		e.t.Errorf("platforms after arm/v7 left = %d, want 2", len(got))
	}
}
