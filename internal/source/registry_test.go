package source

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// countingTransport counts requests; tests pass it as Options.Transport.
type countingTransport struct {
	n atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func fixtureImage(t *testing.T) v1.Image {
	t.Helper()
	return mustOpen(t, "oci-archive:"+fixtureOCI(t), Options{}).Image
}

func TestRegistryByTagAndDigest(t *testing.T) {
	host := imagetest.Registry(t)
	fix := fixtureImage(t)
	imagetest.Push(t, fix, host+"/team/app:1.2")
	rootfs := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	imagetest.Push(t, rootfs, host+"/team/alpine:3.20.3")

	wantFix, _ := fix.Digest()
	wantRoot, _ := rootfs.Digest()
	tests := []struct {
		ref, canonical string
		want           v1.Hash
		layers         int
	}{
		{host + "/team/app:1.2", host + "/team/app:1.2", wantFix, 4},
		{"registry:" + host + "/team/app:1.2", host + "/team/app:1.2", wantFix, 4},
		{host + "/team/app@" + wantFix.String(), host + "/team/app@" + wantFix.String(), wantFix, 4},
		{host + "/team/alpine:3.20.3", host + "/team/alpine:3.20.3", wantRoot, 1},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			ct := &countingTransport{}
			img := mustOpen(t, tt.ref, Options{Transport: ct})
			got, err := img.Digest()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("digest %s, want %s", got, tt.want)
			}
			if img.Reference != tt.canonical {
				t.Errorf("Reference %q, want %q", img.Reference, tt.canonical)
			}
			if img.StoredUncompressed {
				t.Error("registry image claims to be stored uncompressed")
			}
			if n := len(diffIDs(t, img)); n != tt.layers {
				t.Errorf("%d layers, want %d", n, tt.layers)
			}
			if err := imagetest.ReadLayers(img); err != nil {
				t.Error(err)
			}
			if ct.n.Load() == 0 {
				t.Error("Options.Transport was not used")
			}
		})
	}
	// The rootfs-built image carries one history line per layer.
	cf, err := rootfs.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if len(cf.History) != 1 || !strings.Contains(cf.History[0].CreatedBy, "alpine-minirootfs-3.20.3") {
		t.Errorf("history %+v", cf.History)
	}
}

func TestRegistryNotFound(t *testing.T) {
	host := imagetest.Registry(t)
	imagetest.Push(t, fixtureImage(t), host+"/team/app:1.2")
	for _, ref := range []string{
		host + "/team/app:nope",
		host + "/team/other:1.2",
		host + "/team/app@sha256:" + strings.Repeat("ab", 32),
	} {
		t.Run(ref, func(t *testing.T) {
			_, err := Open(t.Context(), ref, Options{})
			assertKind(t, err, ErrNotFound)
			if !strings.Contains(err.Error(), ref) {
				t.Errorf("error does not name the image: %v", err)
			}
		})
	}
}

func TestRegistryBadReference(t *testing.T) {
	for _, ref := range []string{"UPPER/case:x", "host:5000/app:bad tag", "registry:", "app@sha256:xyz"} {
		_, err := Open(t.Context(), ref, Options{})
		assertKind(t, err, ErrInvalid)
	}
}

func TestRegistryUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = Open(t.Context(), addr+"/team/app:1", Options{Retries: 1})
	assertKind(t, err, ErrUnreachable)
}

func TestRegistryMultiArch(t *testing.T) {
	host := imagetest.Registry(t)
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	mk := func(arch, variant string) v1.Image {
		img := imagetest.FromRootFS(t, rootfs)
		cf, _ := img.ConfigFile()
		cf = cf.DeepCopy()
		cf.Architecture, cf.Variant = arch, variant
		img, err := mutate.ConfigFile(img, cf)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	amd, arm := mk("amd64", ""), mk("arm64", "v8")
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}}},
	)
	imagetest.PushIndex(t, idx, host+"/multi/app:1")
	for _, tt := range []struct {
		platform string
		want     v1.Image
	}{
		{"", amd}, {"linux/amd64", amd}, {"linux/arm64", arm}, {"linux/arm64/v8", arm},
	} {
		t.Run(tt.platform, func(t *testing.T) {
			img := mustOpen(t, host+"/multi/app:1", Options{Platform: tt.platform})
			got, _ := img.Digest()
			want, _ := tt.want.Digest()
			if got != want {
				t.Errorf("picked %s, want %s", got, want)
			}
		})
	}
	_, err := Open(t.Context(), host+"/multi/app:1", Options{Platform: "linux/ppc64le"})
	assertKind(t, err, ErrNotFound)
	for _, p := range []string{"linux/amd64", "linux/arm64/v8", "linux/ppc64le"} {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error does not mention %s: %v", p, err)
		}
	}
}

// flakyRegistry wraps the in-process registry so that the first manifest
// requests fail as scripted.
type flakyRegistry struct {
	next    http.Handler
	mu      sync.Mutex
	script  []int // status codes to answer manifest requests with, in order
	times   []time.Time
	retryIn string
	hits    int
}

func (f *flakyRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "/manifests/") && r.Method != http.MethodPut {
		f.mu.Lock()
		f.hits++
		f.times = append(f.times, time.Now())
		var code int
		if len(f.script) > 0 {
			code, f.script = f.script[0], f.script[1:]
		}
		f.mu.Unlock()
		if code != 0 {
			if code == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", f.retryIn)
			}
			http.Error(w, `{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}`, code)
			return
		}
	}
	f.next.ServeHTTP(w, r)
}

func flakyServer(t *testing.T, script []int) (string, *flakyRegistry) {
	t.Helper()
	f := &flakyRegistry{next: registry.New(registry.Logger(log.New(io.Discard, "", 0))), retryIn: "1"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	ref, _ := name.ParseReference(host + "/team/app:1")
	img := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.script, f.hits, f.times = script, 0, nil
	f.mu.Unlock()
	return host, f
}

func TestRegistryRetries(t *testing.T) {
	t.Run("429 then 500 then success", func(t *testing.T) {
		host, f := flakyServer(t, []int{429, 500})
		img := mustOpen(t, host+"/team/app:1", Options{})
		if err := imagetest.ReadLayers(img); err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.hits < 3 {
			t.Fatalf("manifest requested %d times, want at least 3 (429, 500, success)", f.hits)
		}
		// Retry-After: 1 was honoured: the retry came no sooner.
		if gap := f.times[1].Sub(f.times[0]); gap < time.Second {
			t.Errorf("retried %v after a 429 with Retry-After: 1", gap)
		}
	})
	t.Run("persistent 503 gives up", func(t *testing.T) {
		host, f := flakyServer(t, []int{503, 503, 503, 503, 503, 503})
		_, err := Open(t.Context(), host+"/team/app:1", Options{Retries: 2})
		assertKind(t, err, ErrUnreachable)
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.hits != 3 {
			t.Errorf("manifest requested %d times, want 3 (1 + 2 retries)", f.hits)
		}
	})
	t.Run("no retries", func(t *testing.T) {
		host, f := flakyServer(t, []int{500, 500})
		_, err := Open(t.Context(), host+"/team/app:1", Options{Retries: -1})
		assertKind(t, err, ErrUnreachable)
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.hits != 1 {
			t.Errorf("manifest requested %d times, want 1", f.hits)
		}
	})
}

// A registry that wants a bearer token: the token opens the image, none or
// a wrong one is ErrUnauthorized, and the token never shows in the error.
func TestRegistryBearerToken(t *testing.T) {
	const token = "s3cr3t-registry-token"
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.Header().Set("WWW-Authenticate", `Bearer realm="http://`+r.Host+`/token",service="test"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"token required"}]}`, http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/team/private:1"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, fixtureImage(t), remote.WithAuth(authn.FromConfig(authn.AuthConfig{RegistryToken: token}))); err != nil {
		t.Fatal(err)
	}
	img, err := Open(context.Background(), ref, Options{RegistryToken: token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := img.Digest(); err != nil {
		t.Fatal(err)
	}
	img.Close()
	for _, tok := range []string{"", "wrong-" + token} {
		_, err := Open(context.Background(), ref, Options{RegistryToken: tok, Retries: -1})
		if !errors.Is(err, ErrUnauthorized) {
			t.Errorf("token %q: err = %v, want ErrUnauthorized", tok, err)
		}
		if err != nil && tok != "" && strings.Contains(err.Error(), tok) {
			t.Errorf("error shows the token: %v", err)
		}
	}
}
