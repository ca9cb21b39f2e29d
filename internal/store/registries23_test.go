package store

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/store/internal/resultdb"
	"github.com/scanfleet/scanfleet/internal/store/keyring"
)

// testRegistryKinds: a registry's kind, vendor listing settings, explicit
// repositories, webhook secret and fleet-wide limits survive a round trip
// and an update (issue #23); bad limits are refused naming the registry.
func testRegistryKinds(e *env) {
	r := Registry{Name: "hub", URL: "https://index.docker.io", Kind: "dockerhub", Namespace: "acme",
		API: "https://hub.example", APITokenSealed: []byte{9, 8}, Repositories: []string{"alpine:3.*", "acme/app"},
		WebhookSecretSealed: []byte{7}, MaxPulls: 4, RequestsPerSecond: 2.5}
	e.must(e.s.PutRegistry(e.ctx, r))
	e.must(e.s.PutRegistry(e.ctx, Registry{Name: "plain", URL: "http://plain"}))
	got, ok, err := e.s.GetRegistry(e.ctx, "hub")
	e.must(err)
	if !ok || got.Kind != "dockerhub" || got.Namespace != "acme" || got.API != "https://hub.example" ||
		!bytes.Equal(got.APITokenSealed, r.APITokenSealed) || !slices.Equal(got.Repositories, r.Repositories) ||
		!bytes.Equal(got.WebhookSecretSealed, []byte{7}) || got.MaxPulls != 4 || got.RequestsPerSecond != 2.5 {
		e.t.Fatalf("GetRegistry(hub) = %+v", got)
	}
	plain, _, err := e.s.GetRegistry(e.ctx, "plain")
	e.must(err)
	if plain.Kind != "" || plain.Repositories == nil || len(plain.Repositories) != 0 || plain.MaxPulls != 0 || plain.RequestsPerSecond != 0 ||
		plain.APITokenSealed != nil || plain.WebhookSecretSealed != nil {
		e.t.Errorf("GetRegistry(plain) = %+v, want the defaults", plain)
	}
	r.Repositories, r.MaxPulls, r.RequestsPerSecond, r.WebhookSecretSealed = nil, 0, 0, nil
	e.must(e.s.PutRegistry(e.ctx, r))
	list, err := e.s.ListRegistries(e.ctx)
	e.must(err)
	if len(list) != 2 || list[0].Name != "hub" || len(list[0].Repositories) != 0 || list[0].MaxPulls != 0 || list[0].WebhookSecretSealed != nil {
		e.t.Errorf("after update: %+v", list)
	}
	for _, bad := range []Registry{
		{Name: "x", URL: "http://x", MaxPulls: -1},
		{Name: "x", URL: "http://x", RequestsPerSecond: -0.5},
		{Name: "x", URL: "http://x", RequestsPerSecond: math.NaN()},
		{Name: "x", URL: "http://x", RequestsPerSecond: math.Inf(1)},
	} {
		if err := e.s.PutRegistry(e.ctx, bad); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `registry "x"`) {
			e.t.Errorf("PutRegistry(%+v) = %v, want ErrInvalid naming the registry", bad, err)
		}
	}
}

// testGone: a complete crawl's view marks what it no longer found gone,
// hides it from default listings and lookups, keeps it for history, and a
// later crawl (or a new result, or a new tag) brings it back.
func testGone(e *env) {
	r, raw := rep(1)
	put := func(reg, repo, digest, tag string) {
		e.t.Helper()
		putResult(e, "", ImageSummary{Registry: reg, Repository: repo, Digest: digest, Tag: tag, ScannedAt: t0}, r, raw)
		if tag != "" {
			e.must(e.s.PutTag(e.ctx, ImageKey{Registry: reg, Repository: repo, Digest: digest}, tag, t0))
		}
	}
	put("r", "app", "sha256:a1", "v1")
	put("r", "app", "sha256:a2", "v2")
	put("r", "app", "sha256:a3", "")  // a platform manifest of v2's index
	put("r", "lib", "sha256:l1", "1") // the repository was deleted
	put("r", "other", "sha256:o1", "x")
	put("s", "app", "sha256:a1", "v1") // another registry: untouched
	e.must(e.s.PutTag(e.ctx, ImageKey{Registry: "r", Repository: "app", Digest: "sha256:a1"}, "old", t0))

	seen := []Seen{{Repository: "app", Tag: "v2", Digest: "sha256:a2"}, {Repository: "app", Tag: "", Digest: "sha256:a3"}, {Repository: "other", Tag: "x", Digest: "sha256:o1"}}
	notOther := func(repo string) bool { return repo != "other" }
	at := t0.Add(time.Hour)
	n, err := e.s.MarkGone(e.ctx, "r", seen[:2], notOther, at)
	e.must(err)
	if want := (GoneCounts{TagsGone: 3, ImagesGone: 2}); n != want { // app:v1, app:old, lib:1; a1, l1
		e.t.Errorf("MarkGone = %+v, want %+v", n, want)
	}
	if n, err := e.s.MarkGone(e.ctx, "r", seen[:2], notOther, at.Add(time.Hour)); err != nil || n != (GoneCounts{}) {
		e.t.Errorf("MarkGone again = %+v, %v; want no change", n, err)
	}
	keys := func(ims []ImageSummary) []string {
		var out []string
		for _, im := range ims {
			out = append(out, im.Registry+"/"+im.Repository+"@"+im.Digest)
		}
		return out
	}
	if got, want := keys(mustList(e, ImageFilter{})), []string{"r/app@sha256:a3", "r/app@sha256:a2", "r/other@sha256:o1", "s/app@sha256:a1"}; !slices.Equal(got, want) {
		e.t.Errorf("ListImages (default) = %v, want %v", got, want)
	}
	all := mustList(e, ImageFilter{IncludeGone: true, Registry: "r"})
	if len(all) != 5 {
		e.t.Fatalf("ListImages(IncludeGone) = %v, want all 5 of r kept", keys(all))
	}
	for _, im := range all {
		if gone := im.Digest == "sha256:a1" || im.Digest == "sha256:l1"; gone != im.GoneAt.Equal(at) || gone == im.GoneAt.IsZero() {
			e.t.Errorf("%s GoneAt = %v (gone: %v)", im.Digest, im.GoneAt, gone)
		}
	}
	if _, ok, _ := e.s.Report(e.ctx, ImageKey{Registry: "r", Repository: "lib", Digest: "sha256:l1"}); !ok {
		e.t.Error("a gone image's report is no longer readable by its key")
	}
	tags, err := e.s.ImageTags(e.ctx)
	e.must(err)
	for k, want := range map[ImageKey][]string{
		{Registry: "r", Repository: "app", Digest: "sha256:a1"}: nil, // v1 and old are gone, and so is the tag it was scanned under
		{Registry: "r", Repository: "app", Digest: "sha256:a2"}: {"v2"},
		{Registry: "r", Repository: "lib", Digest: "sha256:l1"}: nil,
		{Registry: "s", Repository: "app", Digest: "sha256:a1"}: {"v1"},
	} {
		if !slices.Equal(tags[k], want) {
			e.t.Errorf("ImageTags[%v] = %v, want %v", k, tags[k], want)
		}
	}
	for _, c := range []struct {
		regs              []string
		repo, tag, digest string
		found             bool
	}{
		{[]string{"r"}, "app", "v1", "", false},        // gone tag
		{[]string{"r"}, "app", "", "sha256:a1", false}, // gone image (and s has it only in another registry... by digest it is found there)
		{[]string{"r", "s"}, "app", "v1", "", true},    // s still has it
		{[]string{"r"}, "app", "v2", "", true},         // present
		{[]string{"r"}, "lib", "", "sha256:l1", false}, // gone everywhere
		{[]string{"r"}, "other", "x", "", true},        // out of scope: kept
		{[]string{"r"}, "app", "", "sha256:a3", true},  // a platform digest seen
	} {
		im, ok, err := e.s.FindImage(e.ctx, c.regs, c.repo, c.tag, c.digest)
		e.must(err)
		// By digest, FindImage falls back to any repository: a1 is still
		// in registry s, so it is found there.
		want := c.found || c.digest == "sha256:a1"
		if ok != want {
			e.t.Errorf("FindImage(%v, %s, %q, %q) = %+v, %v; want found %v", c.regs, c.repo, c.tag, c.digest, im.Digest, ok, want)
		}
	}

	// The next crawl finds v1 again: its tag and image come back; a new
	// result of lib's image brings it back too.
	n, err = e.s.MarkGone(e.ctx, "r", append(seen[:2:2], Seen{Repository: "app", Tag: "v1", Digest: "sha256:a1"}), notOther, at.Add(2*time.Hour))
	e.must(err)
	if want := (GoneCounts{TagsBack: 1, ImagesBack: 1}); n != want {
		e.t.Errorf("MarkGone (v1 back) = %+v, want %+v", n, want)
	}
	put("r", "lib", "sha256:l1", "1")
	if got := keys(mustList(e, ImageFilter{Registry: "r"})); !slices.Contains(got, "r/lib@sha256:l1") || !slices.Contains(got, "r/app@sha256:a1") {
		e.t.Errorf("after coming back: %v", got)
	}
	if tags, _ := e.s.ImageTags(e.ctx); !slices.Equal(tags[ImageKey{Registry: "r", Repository: "lib", Digest: "sha256:l1"}], []string{"1"}) ||
		!slices.Equal(tags[ImageKey{Registry: "r", Repository: "app", Digest: "sha256:a1"}], []string{"v1"}) {
		e.t.Errorf("tags after coming back: %v", tags)
	}

	if _, err := e.s.MarkGone(e.ctx, "", nil, nil, at); !errors.Is(err, ErrInvalid) {
		e.t.Errorf("MarkGone without a registry: %v", err)
	}
	if _, err := e.s.MarkGone(e.ctx, "r", nil, nil, time.Time{}); !errors.Is(err, ErrInvalid) {
		e.t.Errorf("MarkGone without a time: %v", err)
	}
}

// testGoneMany marks more rows than one UPDATE batch holds.
func testGoneMany(e *env) {
	r, raw := rep(0)
	var seen []Seen
	for i := range 2*resultdb.GoneBatch + 7 {
		d := "sha256:" + strings.Repeat("0", 8) + string(rune('a'+i%26)) + time.Duration(i).String()
		putResult(e, "", ImageSummary{Registry: "big", Repository: "app", Digest: d, ScannedAt: t0}, r, raw)
		e.must(e.s.PutTag(e.ctx, ImageKey{Registry: "big", Repository: "app", Digest: d}, "t"+time.Duration(i).String(), t0))
		if i%2 == 0 {
			seen = append(seen, Seen{Repository: "app", Tag: "t" + time.Duration(i).String(), Digest: d})
		}
	}
	total := 2*resultdb.GoneBatch + 7
	n, err := e.s.MarkGone(e.ctx, "big", seen, nil, t0.Add(time.Hour))
	e.must(err)
	if want := total - len(seen); n.TagsGone != want || n.ImagesGone != want {
		e.t.Errorf("MarkGone = %+v, want %d tags and images gone", n, want)
	}
	if got := len(mustList(e, ImageFilter{Registry: "big"})); got != len(seen) {
		e.t.Errorf("listed %d, want %d", got, len(seen))
	}
}

// TestResealRegistrySecrets: the API token and webhook secret are
// re-sealed with the password when the key rotates.
func TestResealRegistrySecrets(t *testing.T) {
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) {
			e := openEnv(t, b)
			oldKey, newKey := bytes.Repeat([]byte{1}, keyring.KeySize), bytes.Repeat([]byte{2}, keyring.KeySize)
			oldRing, err := keyring.New(oldKey)
			e.must(err)
			tok, err := oldRing.Seal("api-token")
			e.must(err)
			sec, err := oldRing.Seal("hook-secret")
			e.must(err)
			e.must(e.s.PutRegistry(e.ctx, Registry{Name: "q", URL: "https://quay.io", Kind: "quay", APITokenSealed: tok, WebhookSecretSealed: sec}))
			both, err := keyring.New(newKey, oldKey)
			e.must(err)
			if n, err := e.s.Reseal(e.ctx, both); err != nil || n != 1 {
				t.Fatalf("Reseal = %d, %v; want 1 registry", n, err)
			}
			newOnly, err := keyring.New(newKey)
			e.must(err)
			r, _, err := e.s.GetRegistry(e.ctx, "q")
			e.must(err)
			if p, err := newOnly.Open(r.APITokenSealed); err != nil || p != "api-token" {
				t.Errorf("API token after Reseal: %q, %v", p, err)
			}
			if p, err := newOnly.Open(r.WebhookSecretSealed); err != nil || p != "hook-secret" {
				t.Errorf("webhook secret after Reseal: %q, %v", p, err)
			}
		})
	}
}
