package crawl

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"
)

// key identifies a crawled or pushed image.
type key struct{ Repo, Tag, Digest string }

func (k key) String() string { return k.Repo + ":" + k.Tag + "@" + k.Digest }

// pushed records what a test pushed, for comparing with what a crawl finds.
type pushed struct {
	mu     sync.Mutex
	images map[key]bool
	// platforms of pushed indexes, by repo:tag.
	platforms map[string][]string
}

func newPushed() *pushed {
	return &pushed{images: map[key]bool{}, platforms: map[string][]string{}}
}

func (p *pushed) add(repo, tag string, d v1.Hash) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.images[key{repo, tag, d.String()}] = true
}

func (p *pushed) keys() []string {
	var out []string
	for k := range p.images {
		out = append(out, k.String())
	}
	sort.Strings(out)
	return out
}

// randomSuffix makes test namespaces unique on a registry shared by runs.
func randomSuffix(t testing.TB) string {
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// smallImage returns a unique image without layers: a crawl only reads
// manifests, and each blob upload costs three requests on a registry that
// other tests are loading too.
func smallImage(t testing.TB) v1.Image {
	t.Helper()
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{
		OS: "linux", Architecture: "amd64",
		Config: v1.Config{Labels: map[string]string{"crawltest": randomSuffix(t)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// pushImage pushes a small unique image to host/repo under each tag.
func pushImage(t testing.TB, p *pushed, host, repo string, tags []string, opts ...remote.Option) {
	t.Helper()
	img := smallImage(t)
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	for i, tag := range tags {
		ref, err := name.NewTag(host + "/" + repo + ":" + tag)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			err = remote.Write(ref, img, opts...)
		} else {
			err = remote.Tag(ref, img, opts...)
		}
		if err != nil {
			t.Fatalf("pushing %s: %v", ref, err)
		}
		p.add(repo, tag, d)
	}
}

// pushIndex pushes a multi-platform index whose children are random
// images, plus an attestation-style "unknown/unknown" entry as BuildKit
// writes, and records the platforms a crawl should report.
func pushIndex(t testing.TB, p *pushed, host, repo, tag string, plats []v1.Platform, opts ...remote.Option) v1.Hash {
	t.Helper()
	var idx v1.ImageIndex = empty.Index
	idx = mutate.IndexMediaType(idx, types.OCIImageIndex)
	var want []string
	for _, pl := range append(plats, v1.Platform{OS: "unknown", Architecture: "unknown"}) {
		img := mutate.MediaType(smallImage(t), types.OCIManifestSchema1)
		img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &pl}})
		if pl.OS != "unknown" {
			want = append(want, pl.String())
		}
	}
	ref, err := name.NewTag(host + "/" + repo + ":" + tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(ref, idx, opts...); err != nil {
		t.Fatalf("pushing index %s: %v", ref, err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	p.add(repo, tag, d)
	p.mu.Lock()
	p.platforms[repo+":"+tag] = want
	p.mu.Unlock()
	return d
}

// pushMany pushes n single-image repositories ns/app-NN, with i%3+1 tags
// each, concurrently.
func pushMany(t testing.TB, p *pushed, host, ns string, n int, opts ...remote.Option) {
	t.Helper()
	var g errgroup.Group
	g.SetLimit(8)
	for i := range n {
		g.Go(func() error {
			tags := []string{"v1"}
			for j := 1; j < i%3+1; j++ {
				tags = append(tags, "v1."+strconv.Itoa(j))
			}
			pushImage(t, p, host, fmt.Sprintf("%s/app-%02d", ns, i), tags, opts...)
			return nil
		})
	}
	_ = g.Wait()
}

// collect runs Crawl and gathers its images and reported errors.
type result struct {
	images map[key]Image
	errs   []string // "repo:tag: error"
	stats  Stats
	err    error
}

func crawl(t testing.TB, r Registry, opts Options) result {
	t.Helper()
	res := result{images: map[key]Image{}}
	var inEmit atomic.Int32
	res.stats, res.err = Crawl(t.Context(), r, opts, func(img Image) error {
		if inEmit.Add(1) != 1 {
			t.Error("emit called concurrently")
		}
		defer inEmit.Add(-1)
		k := key{img.Repository, img.Tag, img.Digest}
		if _, dup := res.images[k]; dup {
			t.Errorf("image %s emitted twice", k)
		}
		res.images[k] = img
		return nil
	}, func(repo, tag string, err error) {
		res.errs = append(res.errs, fmt.Sprintf("%s:%s: %v", repo, tag, err))
	})
	return res
}

func (r result) keys(prefix string) []string {
	var out []string
	for k := range r.images {
		if strings.HasPrefix(k.Repo, prefix) {
			out = append(out, k.String())
		}
	}
	sort.Strings(out)
	return out
}

// distributionPaging wraps go-containerregistry's in-process registry,
// whose catalog ignores "last" and sends no Link header, with the
// pagination CNCF distribution implements: the full sorted list is cut at
// "last" and "n", and a Link rel="next" header points to the following
// page. It also counts listing requests and injects failures.
type distributionPaging struct {
	inner http.Handler
	// failTags: repositories whose tags/list answers 500.
	failTags map[string]bool
	// noHeadDigest strips Docker-Content-Digest from manifest HEADs.
	noHeadDigest bool
	// user/pass require basic auth once authOn is set (after the test's
	// pushes). With bearer, the registry instead demands tokens from its
	// /token endpoint (which checks user/pass), scoped per repository like
	// distribution's token auth; staticToken is accepted everywhere.
	user, pass    string
	bearer        bool
	staticToken   string
	authOn        atomic.Bool
	tokenRequests atomic.Int64

	catalogRequests, tagRequests, manifestGets, manifestHeads atomic.Int64
}

func newInProcess(t testing.TB, d *distributionPaging) (*httptest.Server, string) {
	t.Helper()
	d.inner = newInnerRegistry()
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return srv, u.Host
}

func (d *distributionPaging) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.authOn.Load() && d.bearer {
		if !d.checkBearer(w, r) {
			return
		}
	} else if d.authOn.Load() {
		u, p, ok := r.BasicAuth()
		if !ok || u != d.user || p != d.pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			writeRegistryError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
			return
		}
	}
	path := r.URL.Path
	switch {
	case path == "/v2/_catalog" && r.Method == http.MethodGet:
		d.catalogRequests.Add(1)
		d.page(w, r, "repositories", func(b []byte) ([]string, error) {
			var c struct {
				Repositories []string `json:"repositories"`
			}
			err := json.Unmarshal(b, &c)
			return c.Repositories, err
		}, nil)
		return
	case strings.HasSuffix(path, "/tags/list") && r.Method == http.MethodGet:
		d.tagRequests.Add(1)
		repo := strings.TrimSuffix(strings.TrimPrefix(path, "/v2/"), "/tags/list")
		if d.failTags[repo] {
			writeRegistryError(w, http.StatusInternalServerError, "UNKNOWN", "injected failure")
			return
		}
		d.page(w, r, "tags", func(b []byte) ([]string, error) {
			var c struct {
				Tags []string `json:"tags"`
			}
			err := json.Unmarshal(b, &c)
			return c.Tags, err
		}, map[string]any{"name": repo})
		return
	case strings.Contains(path, "/manifests/"):
		if r.Method == http.MethodHead {
			d.manifestHeads.Add(1)
			if d.noHeadDigest {
				rec := httptest.NewRecorder()
				d.inner.ServeHTTP(rec, r)
				for k, v := range rec.Header() {
					if k != "Docker-Content-Digest" {
						w.Header()[k] = v
					}
				}
				w.WriteHeader(rec.Code)
				return
			}
		}
		if r.Method == http.MethodGet {
			d.manifestGets.Add(1)
		}
	}
	d.inner.ServeHTTP(w, r)
}

// page answers a listing request from the inner registry's complete list.
func (d *distributionPaging) page(w http.ResponseWriter, r *http.Request, field string, decode func([]byte) ([]string, error), extra map[string]any) {
	inner := r.Clone(r.Context())
	inner.URL.RawQuery = ""
	inner.RequestURI = ""
	rec := httptest.NewRecorder()
	d.inner.ServeHTTP(rec, inner)
	if rec.Code != http.StatusOK {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	all, err := decode(rec.Body.Bytes())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sort.Strings(all)
	q := r.URL.Query()
	if last := q.Get("last"); last != "" {
		i, _ := slices.BinarySearch(all, last)
		if i < len(all) && all[i] == last {
			i++
		}
		all = all[i:]
	}
	if n, err := strconv.Atoi(q.Get("n")); err == nil && n > 0 && n < len(all) {
		all = all[:n]
		next := url.Values{"last": {all[n-1]}, "n": {strconv.Itoa(n)}}
		w.Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next"`, r.URL.Path, next.Encode()))
	}
	body := map[string]any{field: all}
	for k, v := range extra {
		body[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func writeRegistryError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}

// discardLogger silences the in-process registry's request log.
func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

func newInnerRegistry() http.Handler { return registry.New(registry.Logger(discardLogger())) }

func remoteTransport(t http.RoundTripper) remote.Option { return remote.WithTransport(t) }

// checkBearer implements a small token service in the style of
// distribution's token auth: tokens list their scopes, and each resource
// needs its own scope.
func (d *distributionPaging) checkBearer(w http.ResponseWriter, r *http.Request) bool {
	host := r.Host
	if r.URL.Path == "/token" {
		d.tokenRequests.Add(1)
		u, p, ok := r.BasicAuth()
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return false
		}
		if !ok {
			u, p = r.Form.Get("username"), r.Form.Get("password")
		}
		if u != d.user || p != d.pass {
			http.Error(w, "bad credentials", http.StatusUnauthorized)
			return false
		}
		var scopes []string
		for _, s := range r.Form["scope"] {
			scopes = append(scopes, strings.Fields(s)...)
		}
		tok := "tok|" + strings.Join(scopes, "|")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"token": tok, "access_token": tok})
		return false
	}
	need := ""
	switch path := r.URL.Path; {
	case path == "/v2/":
	case path == "/v2/_catalog":
		need = "registry:catalog:*"
	default:
		rest := strings.TrimPrefix(path, "/v2/")
		for _, sep := range []string{"/tags/", "/manifests/", "/blobs/"} {
			if i := strings.Index(rest, sep); i >= 0 {
				need = "repository:" + rest[:i] + ":pull"
				break
			}
		}
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	granted := tok != "" && (tok == d.staticToken ||
		strings.HasPrefix(tok, "tok|") && (need == "" || slices.Contains(strings.Split(tok, "|")[1:], need)))
	if granted {
		return true
	}
	ch := fmt.Sprintf(`Bearer realm="http://%s/token",service="test"`, host)
	if need != "" {
		ch += fmt.Sprintf(`,scope="%s"`, need)
	}
	w.Header().Set("WWW-Authenticate", ch)
	writeRegistryError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
	return false
}
