package cli

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// pushPlatformIndex pushes to the real registry an index of the shared
// fixtures' Alpine 3.20 root filesystem as linux/amd64 and Alpine 3.19's
// as linux/arm64/v8, plus an attestation manifest (unknown/unknown), and
// returns its reference.
func pushPlatformIndex(t *testing.T) string {
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
	ref := host + "/cli-platforms-" + hex.EncodeToString(rnd) + "/app:v1"
	imagetest.PushIndex(t, mutate.IndexMediaType(mutate.AppendManifests(empty.Index, adds...), types.OCIImageIndex), ref)
	return ref
}

// TestScanPlatforms: `scan --platform all` scans every platform of a
// registry image index (none for the attestation) and writes one report
// per platform, grouped in one JSON document with a platforms array or
// one table section each; a list scans those named; a listed platform the
// index lacks fails naming the ones there are; without --platform one
// platform is scanned (linux/amd64), as before.
func TestScanPlatforms(t *testing.T) {
	ref := pushPlatformIndex(t)
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
