package controller

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/store"
)

// TestRegistryKindsAPI: a registry of a vendor kind is added through the
// API with the fields that kind needs, shown back without its secrets,
// and bad settings are refused naming the registry (issue #23).
func TestRegistryKindsAPI(t *testing.T) {
	f := newFixture(t, Config{})
	for _, c := range []struct {
		name string
		in   map[string]any
		code int
		want string // in the error
	}{
		{"quay", map[string]any{"name": "quay", "url": "https://quay.io", "kind": "quay", "namespace": "acme", "username": "acme+scan",
			"password": "robot-pass", "api_token": "oauth-tok", "webhook_secret": "hook-sec", "max_pulls": 3, "pulls_per_second": 1.5}, 201, ""},
		{"hub", map[string]any{"name": "hub", "url": "https://index.docker.io", "kind": "dockerhub", "repositories": []string{"alpine:3.*", "acme/app"}}, 201, ""},
		{"bad kind", map[string]any{"name": "x", "url": "https://x.example", "kind": "dockerhubb"}, 400, "unknown kind"},
		{"no namespace", map[string]any{"name": "x", "url": "https://ghcr.io", "kind": "ghcr"}, 400, "needs a namespace"},
		{"bad repository", map[string]any{"name": "x", "url": "https://x.example", "repositories": []string{"Team/App"}}, 400, "not a repository name"},
		{"negative pulls", map[string]any{"name": "x", "url": "https://x.example", "max_pulls": -1}, 400, "negative limit"},
	} {
		code, body := f.do(t, "POST", "/api/v1/registries", f.admin, mustJSON(t, c.in))
		if code != c.code || !strings.Contains(string(body), c.want) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, code, body, c.code, c.want)
		}
	}
	code, body := f.do(t, "GET", "/api/v1/registries/quay", f.reader, nil)
	var v api.RegistryView
	if err := json.Unmarshal(body, &v); err != nil || code != 200 {
		t.Fatalf("GET quay: %d %s", code, body)
	}
	if v.Kind != "quay" || v.Namespace != "acme" || !v.PasswordSet || !v.APITokenSet || !v.WebhookSecretSet || v.MaxPulls != 3 || v.PullsPerSecond != 1.5 {
		t.Errorf("GET quay = %+v", v)
	}
	_, body = f.do(t, "GET", "/api/v1/registries", f.reader, nil)
	for _, secret := range []string{"robot-pass", "oauth-tok", "hook-sec"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("registry listing shows a secret: %s", body)
		}
	}
	if !strings.Contains(string(body), `"repositories":["alpine:3.*","acme/app"]`) {
		t.Errorf("hub's repositories not listed: %s", body)
	}
}

// TestRegistryWebhookSecret: a registry's push webhook in its kind's
// format is taken only with the registry's secret; a Docker Hub push
// (tag, no digest) is resolved against the real registry and enqueued.
func TestRegistryWebhookSecret(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	img := oneFileImage(t, "etc/hello", "hi\n")
	imagetest.Push(t, img, host+"/team/app:1")
	digest, _ := img.Digest()
	f := newFixture(t, Config{})
	for _, in := range []api.RegistryInput{
		{Registry: api.Registry{Name: "harbor", URL: "https://harbor.example", Kind: "harbor", Namespace: "harbor"}, WebhookSecret: "h-secret"},
		{Registry: api.Registry{Name: "hub", URL: "http://" + host, Kind: "dockerhub", Repositories: []string{"team/app"}}, WebhookSecret: "d-secret"},
		{Registry: api.Registry{Name: "nosecret", URL: "https://n.example", Kind: "harbor", Namespace: "n"}},
	} {
		if err := f.c.PutRegistry(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	harbor, err := os.ReadFile(filepath.Join("..", "crawl", "testdata", "webhooks", "harbor.json"))
	if err != nil {
		t.Fatal(err)
	}
	hub := []byte(`{"push_data":{"pushed_at":1417566161,"pusher":"ci","tag":"1"},"repository":{"repo_name":"team/app"}}`)
	send := func(path, authz string, body []byte) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", f.url+path, strings.NewReader(string(body)))
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		b, _ := json.Marshal(out)
		return resp.StatusCode, string(b)
	}
	for _, c := range []struct {
		name, path, authz string
		body              []byte
		code              int
		want              string
	}{
		{"no secret", "/api/v1/registries/harbor/webhook", "", harbor, 401, "secret"},
		{"wrong secret", "/api/v1/registries/harbor/webhook", "wrong", harbor, 401, "secret"},
		{"a scanfleet token is not the secret", "/api/v1/registries/harbor/webhook", "Bearer " + f.admin, harbor, 401, "secret"},
		{"unknown registry", "/api/v1/registries/zz/webhook", "h-secret", harbor, 401, "secret"},
		{"registry without a secret", "/api/v1/registries/nosecret/webhook", "", harbor, 401, "no webhook secret"},
		{"another kind's format", "/api/v1/registries/harbor/webhook", "Bearer h-secret", hub, 400, "harbor"},
		{"harbor", "/api/v1/registries/harbor/webhook", "Bearer h-secret", harbor, 202, `"enqueued":1`},
		{"docker hub secret in the header", "/api/v1/registries/hub/webhook", "d-secret", hub, 401, "secret"},
		{"docker hub", "/api/v1/registries/hub/webhook?token=d-secret", "", hub, 202, `"enqueued":1`},
	} {
		if code, body := send(c.path, c.authz, c.body); code != c.code || !strings.Contains(strings.ToLower(body), strings.ToLower(c.want)) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, code, body, c.code, c.want)
		}
	}
	tasks, err := f.c.queue.List(ctx, queue.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	for _, tk := range tasks {
		keys = append(keys, tk.Key)
	}
	if len(tasks) != 2 || !strings.Contains(strings.Join(keys, " "), "hub/team/app@"+digest.String()) {
		t.Errorf("queued %v, want harbor's alpine and hub's team/app@%s (resolved from its tag)", keys, digest)
	}
}

// TestLeaseHonoursRegistryLimits: with max pulls 1 a registry has one
// scan running in the fleet whatever scanners ask, the other registry's
// tasks are leased meanwhile, and a 429 reported by a scanner pauses new
// scans of the registry for every scanner, visible in the API and
// metrics.
func TestLeaseHonoursRegistryLimits(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	for i, tag := range []string{"1", "2", "3"} {
		imagetest.Push(t, oneFileImage(t, "etc/v", tag+strings.Repeat("x", i)), host+"/team/app:"+tag)
		imagetest.Push(t, oneFileImage(t, "etc/w", tag+strings.Repeat("y", i)), host+"/other/app:"+tag)
	}
	f := newFixture(t, Config{LeaseDuration: time.Minute})
	for _, in := range []api.RegistryInput{
		{Registry: api.Registry{Name: "limited", URL: "http://" + host, Filters: []string{"team/**"}, MaxPulls: 1}},
		{Registry: api.Registry{Name: "free", URL: "http://" + host, Filters: []string{"other/**"}}},
	} {
		if err := f.c.PutRegistry(ctx, in); err != nil {
			t.Fatal(err)
		}
		if n, err := f.c.Crawl(ctx, in.Name, queue.PriorityManual); err != nil || n != 3 {
			t.Fatalf("crawl %s: %d, %v", in.Name, n, err)
		}
	}
	call := func(path string, in, out any) int {
		t.Helper()
		code, body := f.do(t, "POST", path, f.scanner, mustJSON(t, in))
		if out != nil && code/100 == 2 {
			if err := json.Unmarshal(body, out); err != nil {
				t.Fatal(err)
			}
		}
		return code
	}
	var a, b api.RegisterResponse
	call("/api/v1/scanners", api.RegisterRequest{Name: "a", Concurrency: 8}, &a)
	call("/api/v1/scanners", api.RegisterRequest{Name: "b", Concurrency: 8}, &b)
	count := func(ts []api.LeasedTask) map[string]int {
		m := map[string]int{}
		for _, tk := range ts {
			m[tk.Registry]++
		}
		return m
	}
	var la, lb api.LeaseResponse
	call("/api/v1/scanners/"+a.ID+"/lease", api.LeaseRequest{Max: 8}, &la)
	call("/api/v1/scanners/"+b.ID+"/lease", api.LeaseRequest{Max: 8}, &lb)
	if ca, cb := count(la.Tasks), count(lb.Tasks); ca["limited"]+cb["limited"] != 1 || ca["free"]+cb["free"] != 3 {
		t.Fatalf("leases a %v, b %v: want 1 task of limited (max pulls 1) and all 3 of free", ca, cb)
	}
	_, body := f.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{`scanfleet_registry_pulls{registry="limited"} 1`, `scanfleet_registry_max_pulls{registry="limited"} 1`, `scanfleet_registry_paused{registry="limited"} 0`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// The scan of limited's task meets a 429: the scanner reports it
	// and gives the task back; no scanner gets limited's tasks now.
	held := append(la.Tasks, lb.Tasks...)
	var limitedTask api.LeasedTask
	for _, tk := range held {
		if tk.Registry == "limited" {
			limitedTask = tk
		}
	}
	if code := call("/api/v1/registries/limited/rate-limited", api.RateLimitedRequest{Scanner: a.ID, RetryAfter: "120"}, nil); code != http.StatusNoContent {
		t.Fatalf("rate-limited report: %d", code)
	}
	if code := call("/api/v1/registries/nope/rate-limited", api.RateLimitedRequest{}, nil); code != http.StatusNotFound {
		t.Errorf("rate-limited report for an unknown registry: %d, want 404", code)
	}
	holder := a.ID
	if count(lb.Tasks)["limited"] == 1 {
		holder = b.ID
	}
	if code := call("/api/v1/scanners/"+holder+"/release", api.TaskIDs{TaskIDs: []string{limitedTask.ID}}, nil); code/100 != 2 {
		t.Fatalf("release: %d", code)
	}
	var lc api.LeaseResponse
	call("/api/v1/scanners/"+b.ID+"/lease", api.LeaseRequest{Max: 8}, &lc)
	if n := count(lc.Tasks)["limited"]; n != 0 {
		t.Errorf("leased %d tasks of a paused registry", n)
	}
	code, body := f.do(t, "GET", "/api/v1/registries/limited", f.reader, nil)
	var v api.RegistryView
	if err := json.Unmarshal(body, &v); err != nil || code != 200 || v.PausedUntil == nil || v.PausedUntil.Before(time.Now().Add(time.Minute)) {
		t.Errorf("registry view after a 429: %d %s, want paused for about 2 minutes", code, body)
	}
	_, body = f.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{`scanfleet_registry_paused{registry="limited"} 1`, `scanfleet_registry_rate_limited_total{registry="limited"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestCrawlMarksGone: an image deleted from the registry is marked gone
// by the next complete crawl: kept, hidden from the default image list
// and from admission's lookup, listed with include_gone=true.
func TestCrawlMarksGone(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	keep, gone := oneFileImage(t, "etc/a", "keep\n"), oneFileImage(t, "etc/b", "gone\n")
	imagetest.Push(t, keep, host+"/team/app:1")
	imagetest.Push(t, gone, host+"/team/app:2")
	f := newFixture(t, Config{})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.c.Crawl(ctx, "r", queue.PriorityManual); err != nil || n != 2 {
		t.Fatalf("crawl: %d, %v", n, err)
	}
	for tag, img := range map[string]v1.Image{"1": keep, "2": gone} {
		d, _ := img.Digest()
		rep := &report.Report{SchemaVersion: report.SchemaVersion, Image: &report.Image{Reference: host + "/team/app@" + d.String(), Digest: d.String()}}
		if _, err := f.c.store.PutResult(ctx, store.Result{Image: store.ImageSummary{Registry: "r", Repository: "team/app", Digest: d.String(), Tag: tag,
			ScannedAt: time.Now(), ScannedBy: "test"}, Report: rep, Raw: mustJSON(t, rep)}); err != nil {
			t.Fatal(err)
		}
	}
	goneDigest, _ := gone.Digest()
	// The tag, then its manifest (go-containerregistry's registry keeps
	// a tag whose manifest is deleted; distribution drops both).
	for _, ref := range []string{"2", goneDigest.String()} {
		req, _ := http.NewRequest("DELETE", "http://"+host+"/v2/team/app/manifests/"+ref, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, err := f.c.Crawl(ctx, "r", queue.PriorityManual); err != nil {
		t.Fatal(err)
	}
	list := func(query string) []store.ImageSummary {
		t.Helper()
		code, body := f.do(t, "GET", "/api/v1/images"+query, f.reader, nil)
		var out []store.ImageSummary
		if err := json.Unmarshal(body, &out); err != nil || code != 200 {
			t.Fatalf("images%s: %d %s", query, code, body)
		}
		return out
	}
	if got := list(""); len(got) != 1 || got[0].Tag != "1" || !got[0].GoneAt.IsZero() {
		t.Errorf("default list = %+v, want only tag 1", got)
	}
	all := list("?include_gone=true")
	if len(all) != 2 || all[1].Digest != goneDigest.String() || all[1].GoneAt.IsZero() {
		t.Errorf("include_gone list = %+v, want both, the deleted one with gone_at", all)
	}
	if code, _ := f.do(t, "GET", "/api/v1/images?include_gone=maybe", f.reader, nil); code != http.StatusBadRequest {
		t.Errorf("include_gone=maybe: %d, want 400", code)
	}
	if _, ok, err := f.c.store.FindImage(ctx, []string{"r"}, "team/app", "2", ""); err != nil || ok {
		t.Errorf("admission lookup of the deleted tag: found %v, %v", ok, err)
	}
}
