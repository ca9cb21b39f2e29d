package cli

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// pushPlatformIndex pushes to the real registry an index of the shared
// fixtures' Alpine 3.20 root filesystem as linux/amd64 and Alpine 3.19's
// as linux/arm64/v8, plus an attestation manifest (unknown/unknown), and
// returns its reference and the index's digest.
func pushPlatformIndex(t *testing.T) (ref, index string) {
	t.Helper()
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	var adds []mutate.IndexAddendum
	for _, s := range []struct {
		rootfs string
		plat   v1.Platform
	}{
		{"alpine-minirootfs-3.20.3-x86_64.tar.gz", v1.Platform{OS: "linux", Architecture: "amd64"}},
		{"alpine-minirootfs-3.19.4-x86_64.tar.gz", v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
	} {
		img := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", s.rootfs))
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture, cf.Variant = s.plat.OS, s.plat.Architecture, s.plat.Variant
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		p := s.plat
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{MediaType: types.OCIManifestSchema1, Platform: &p}})
	}
	att, err := random.Image(128, 1)
	if err != nil {
		t.Fatal(err)
	}
	adds = append(adds, mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{MediaType: types.OCIManifestSchema1,
		Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"}, Annotations: map[string]string{"vnd.docker.reference.type": "attestation-manifest"}}})
	rnd := make([]byte, 4)
	_, _ = rand.Read(rnd)
	ref = host + "/cli-platforms-" + hex.EncodeToString(rnd) + "/app:v1"
	idx := mutate.IndexMediaType(mutate.AppendManifests(empty.Index, adds...), types.OCIImageIndex)
	imagetest.PushIndex(t, idx, ref)
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return ref, d.String()
}

// TestScanPlatforms: `scan --platform all` scans every platform of a
// registry image index (none for the attestation) and writes one report
// per platform, grouped in one JSON document with a platforms array or
// one table section each; a list scans those named; a listed platform the
// index lacks fails naming the ones there are; without --platform one
// platform is scanned (linux/amd64), as before.
func TestScanPlatforms(t *testing.T) {
	ref, _ := pushPlatformIndex(t)
	for _, c := range []struct {
		name     string
		args     []string
		wantCode int
		want     []string // platforms of the JSON, or text in the output
	}{
		{"all, json", []string{"--platform", "all", "--format", "json"}, 0, []string{"linux/amd64", "linux/arm64/v8"}},
		{"list, json", []string{"--platform", "linux/arm64,linux/amd64", "--format", "json"}, 0, []string{"linux/arm64/v8", "linux/amd64"}},
		{"all, table", []string{"--platform", "all"}, 0, []string{"== Platform linux/amd64:", "== Platform linux/arm64/v8:", "Alpine Linux v3.19"}},
		{"missing platform", []string{"--platform", "linux/amd64,linux/s390x"}, ExitError, []string{"platform linux/s390x", "linux/amd64, linux/arm64/v8"}},
		{"bad list", []string{"--platform", "linux/amd64,arm64"}, ExitUsage, []string{`"arm64" is not os/arch`}},
		{"sarif", []string{"--platform", "all", "--format", "sarif"}, ExitUsage, []string{"table or json"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"scan", "--skip-db", "-q", "--no-cache"}, c.args...)
			r := runCLI(t, nil, append(args, ref)...)
			if r.code != c.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, c.wantCode, r.stdout, r.stderr)
			}
			if !slices.Contains(c.args, "json") || c.wantCode != 0 {
				for _, w := range c.want {
					if !strings.Contains(r.stdout+r.stderr, w) {
						t.Errorf("output lacks %q:\n%s%s", w, r.stdout, r.stderr)
					}
				}
				return
			}
			var doc platformReports
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.stdout)
			}
			var got []string
			for _, p := range doc.Platforms {
				got = append(got, p.Platform)
				if p.Report.Image == nil || p.Report.Image.Platform != p.Platform || len(p.Report.Packages) == 0 || p.Report.OS == nil {
					t.Errorf("platform %s: report image %+v, %d packages", p.Platform, p.Report.Image, len(p.Report.Packages))
				}
			}
			if !slices.Equal(got, c.want) || doc.Reference != ref {
				t.Errorf("platforms %v of %s, want %v of %s", got, doc.Reference, c.want, ref)
			}
		})
	}
	// The default stays one platform.
	r := runCLI(t, nil, "scan", "--skip-db", "-q", "--no-cache", "--format", "json", ref)
	if r.code != 0 {
		t.Fatalf("default scan: exit %d: %s", r.code, r.stderr)
	}
	if rep := decode(t, r.stdout); rep.Image == nil || rep.Image.Platform != "linux/amd64" {
		t.Errorf("default scan: image %+v, want linux/amd64", rep.Image)
	}
}

// TestScanPlatformsToController: `scan --platform all --controller URL`
// (and a list) sends each platform's result as a platform of the index,
// as a crawl stores it: GET /images/{index}/platforms lists every
// platform under its own digest, and admission judges the index, by tag
// or by digest, on its worst platform (linux/amd64, Alpine 3.20.3 with
// the denied CVE; Alpine 3.19's linux/arm64/v8 has none), not on the
// platform sent last. Before the fix the results were unrelated images:
// the index was unknown (404) and the tag named the last platform sent,
// which admission let through.
func TestScanPlatformsToController(t *testing.T) {
	tc := newTLSController(t)
	cve := firstAnswerCVE(t)
	tc.setRules(t, admission.Rule{Name: "cve", Action: admission.Deny, Mode: admission.Protect, Criteria: admission.Criteria{CVEs: []string{cve}}})
	db := alpineDB(t)
	for _, c := range []struct{ name, platform string }{
		{"all", "all"},
		{"list", "linux/amd64,linux/arm64"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ref, index := pushPlatformIndex(t)
			r := runCLI(t, map[string]string{"SCANFLEET_TOKEN": tc.scanner}, "scan", "-q", "--no-cache", "--db", db, "--format", "json",
				"--platform", c.platform, "--controller", tc.srv.URL, "--controller-ca", tc.ca, ref)
			// Alpine 3.19 is not in the database: exit 4, every result sent.
			if r.code != ExitIncomplete {
				t.Fatalf("exit %d, want %d\nstdout:\n%.2000s\nstderr:\n%s", r.code, ExitIncomplete, r.stdout, r.stderr)
			}
			var doc platformReports
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%.2000s", err, r.stdout)
			}
			want := map[string]string{} // platform -> its manifest digest
			worst := ""
			for _, p := range doc.Platforms {
				if p.Report.Image == nil || p.Report.Image.Digest == "" || p.Report.Image.Digest == index {
					t.Fatalf("platform %s: image %+v, want its own manifest digest", p.Platform, p.Report.Image)
				}
				if p.Report.Image.Reference != ref || strings.Contains(p.Report.Image.Reference, "@") {
					t.Errorf("platform %s: report names %q, want the tag scanned, %q", p.Platform, p.Report.Image.Reference, ref)
				}
				want[p.Platform] = p.Report.Image.Digest
				if p.Platform == "linux/amd64" {
					worst = p.Report.Image.Digest
				}
			}
			if len(want) != 2 || worst == "" {
				t.Fatalf("platforms %v, want linux/amd64 and linux/arm64/v8", want)
			}

			code, body := tc.call(t, "GET", "/api/v1/images/"+index+"/platforms", tc.reader, nil)
			var view api.IndexView
			if err := json.Unmarshal(body, &view); code != 200 || err != nil {
				t.Fatalf("platforms of the index: %d %s", code, body)
			}
			got := map[string]string{}
			for _, p := range view.Platforms {
				got[p.Platform] = p.Digest
			}
			if view.IndexDigest != index || !maps.Equal(got, want) || !slices.Equal(view.Tags, []string{"v1"}) {
				t.Errorf("index view %s: platforms %v, tags %v; want %s with %v, tag v1", view.IndexDigest, got, view.Tags, index, want)
			}

			repo := strings.TrimSuffix(ref, ":v1")
			for _, image := range []string{ref, repo + "@" + index} {
				resp := tc.admit(t, image)
				if resp.Allowed || resp.Result == nil || !strings.Contains(resp.Result.Message, `"cve"`) {
					t.Errorf("%s: %+v; want denied by rule \"cve\" on its worst platform", image, resp)
				}
				_, body := tc.call(t, "GET", "/api/v1/admission/decisions?limit=1", tc.reader, nil)
				var ds []api.Decision
				if err := json.Unmarshal(body, &ds); err != nil || len(ds) != 1 || len(ds[0].Images) != 1 {
					t.Fatalf("decisions: %v %s", err, body)
				}
				if im := ds[0].Images[0]; im.Digest != worst || !im.Scanned {
					t.Errorf("%s judged on %s (scanned %v), want the worst platform's %s", image, im.Digest, im.Scanned, worst)
				}
			}
		})
	}
}
