package controller

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/admission/review"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/store/keyring"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

const testPassword = "pa55-Very-Secret-xyz"

type fixture struct {
	dir, url                          string
	admin, scanner, submitter, reader string
	logs                              *testutil.SyncBuffer
	c                                 *Controller
	// sw is the switch in front of the queue, when the fixture has one
	// (lossFixture).
	sw *switchQueue
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{dir: t.TempDir(), logs: &testutil.SyncBuffer{}}
	var err error
	for role, dst := range map[Role]*string{RoleAdmin: &f.admin, RoleScanner: &f.scanner, RoleSubmitter: &f.submitter, RoleReader: &f.reader} {
		if *dst, err = CreateToken(ctx, f.dir, role); err != nil {
			t.Fatal(err)
		}
	}
	cfg.DataDir = f.dir
	cfg.Logger = slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.Reviews == nil {
		// As scanfleet-controller wires it.
		cfg.Reviews = review.Codec{}
	}
	if f.c, err = New(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.c.Handler())
	f.url = srv.URL
	t.Cleanup(func() {
		srv.Close()
		if err := f.c.Close(); err != nil {
			t.Error(err)
		}
	})
	return f
}

// do sends a request with a raw body and returns the status and body.
func (f *fixture) do(t *testing.T, method, path, token string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAuth(t *testing.T) {
	f := newFixture(t, Config{})
	reg := mustJSON(t, api.RegistryInput{Registry: api.Registry{Name: "r1", URL: "http://127.0.0.1:1"}, Password: testPassword})
	tests := []struct {
		name, method, path, token string
		body                      []byte
		want                      int
	}{
		{"no token", "GET", "/api/v1/registries", "", nil, http.StatusUnauthorized},
		{"bad token", "GET", "/api/v1/registries", "sf_00000000", nil, http.StatusUnauthorized},
		{"admin hash is not a token", "GET", "/api/v1/registries", hashToken(f.admin), nil, http.StatusUnauthorized},
		{"reader reads", "GET", "/api/v1/registries", f.reader, nil, http.StatusOK},
		{"reader reads images", "GET", "/api/v1/images", f.reader, nil, http.StatusOK},
		{"reader reads queue", "GET", "/api/v1/queue", f.reader, nil, http.StatusOK},
		{"reader cannot create", "POST", "/api/v1/registries", f.reader, reg, http.StatusForbidden},
		{"scanner cannot create", "POST", "/api/v1/registries", f.scanner, reg, http.StatusForbidden},
		{"reader cannot register scanner", "POST", "/api/v1/scanners", f.reader, []byte(`{}`), http.StatusForbidden},
		{"reader cannot read layers", "GET", "/api/v1/layers/x", f.reader, nil, http.StatusForbidden},
		{"admin creates", "POST", "/api/v1/registries", f.admin, reg, http.StatusCreated},
		{"reader cannot scan", "POST", "/api/v1/registries/r1/scan", f.reader, nil, http.StatusForbidden},
		{"reader cannot delete", "DELETE", "/api/v1/registries/r1", f.reader, nil, http.StatusForbidden},
		{"scanner registers", "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"s"}`), http.StatusCreated},
		{"bad body", "POST", "/api/v1/registries", f.admin, []byte(`{`), http.StatusBadRequest},
		{"bad url", "POST", "/api/v1/registries", f.admin, []byte(`{"name":"x","url":"ftp://h"}`), http.StatusBadRequest},
		{"bad filter", "POST", "/api/v1/registries", f.admin, []byte(`{"name":"x","url":"http://h","filters":["[["]}`), http.StatusBadRequest},
		{"too large", "POST", "/api/v1/registries", f.admin, append([]byte(`{"name":"`), bytes.Repeat([]byte("a"), 2<<20)...), http.StatusRequestEntityTooLarge},
		{"unknown registry", "GET", "/api/v1/registries/nope", f.reader, nil, http.StatusNotFound},
		{"unknown image", "GET", "/api/v1/images/sha256:0000", f.reader, nil, http.StatusNotFound},
		{"admin deletes", "DELETE", "/api/v1/registries/r1", f.admin, nil, http.StatusNoContent},
		{"metrics without token", "GET", "/metrics", "", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, body := f.do(t, tt.method, tt.path, tt.token, tt.body)
			if got != tt.want {
				t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, got, body, tt.want)
			}
			if got == http.StatusUnauthorized && !strings.Contains(string(body), "token") {
				t.Errorf("401 body %q does not say why", body)
			}
		})
	}
}

// TestSecrets checks that registry credentials are sealed at rest, never
// returned by the API and never logged.
func TestSecrets(t *testing.T) {
	f := newFixture(t, Config{})
	in := api.RegistryInput{Registry: api.Registry{Name: "hub", URL: "https://registry.example", Username: "bot", Filters: []string{"team/**"}, Interval: api.Duration(time.Hour)},
		Password: testPassword, Token: testPassword + "-tok"}
	if code, body := f.do(t, "POST", "/api/v1/registries", f.admin, mustJSON(t, in)); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var seen []string
	for _, p := range []string{"/api/v1/registries", "/api/v1/registries/hub"} {
		code, body := f.do(t, "GET", p, f.reader, nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", p, code)
		}
		seen = append(seen, string(body))
	}
	var v api.RegistryView
	_, body := f.do(t, "GET", "/api/v1/registries/hub", f.admin, nil)
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if !v.PasswordSet || !v.TokenSet || v.Username != "bot" || time.Duration(v.Interval) != time.Hour || len(v.Filters) != 1 {
		t.Errorf("registry view %+v", v)
	}
	seen = append(seen, string(body), f.logs.String())
	for _, s := range seen {
		if strings.Contains(s, testPassword) {
			t.Errorf("secret disclosed in %q", s)
		}
	}
	// At rest: neither the database nor its WAL holds the plaintext.
	for _, name := range []string{stateFile, stateFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(f.dir, name))
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(testPassword)) {
			t.Errorf("%s holds the password in clear", name)
		}
	}
	fi, err := os.Stat(filepath.Join(f.dir, keyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	// The sealed value decrypts back with the key.
	rr, _, err := f.c.store.GetRegistry(context.Background(), "hub")
	if err != nil {
		t.Fatal(err)
	}
	pw, tok, err := f.c.credentials(rr)
	if err != nil || pw != testPassword || tok != testPassword+"-tok" {
		t.Errorf("credentials round trip: %q %q %v", pw, tok, err)
	}
}

func TestSealerRejectsTampering(t *testing.T) {
	s, err := keyring.LoadOrCreateKey(filepath.Join(t.TempDir(), keyFile))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal("hello")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{sealed[:5], append(append([]byte{}, sealed[:len(sealed)-1]...), sealed[len(sealed)-1]^1)} {
		if _, err := s.Open(bad); err == nil {
			t.Errorf("open(%x) succeeded", bad)
		}
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte(`registries:
  - name: local
    url: http://127.0.0.1:5000
    username: u
    password: `+testPassword+`
    filters: ["team/**"]
    max_tags: 3
    interval: 30m
`), 0o600); err != nil {
		t.Fatal(err)
	}
	fc, err := LoadConfigFile(good)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Config{File: fc})
	var v api.RegistryView
	_, body := f.do(t, "GET", "/api/v1/registries/local", f.reader, nil)
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if !v.PasswordSet || v.MaxTags != 3 || time.Duration(v.Interval) != 30*time.Minute || strings.Contains(string(body), testPassword) {
		t.Errorf("registry from config: %s", body)
	}
	for name, text := range map[string]string{
		"badname.yaml":     "registries:\n  - name: 'a b'\n    url: http://h\n",
		"badurl.yaml":      "registries:\n  - name: a\n    url: h:5000\n",
		"badinterval.yaml": "registries:\n  - name: a\n    url: http://h\n    interval: soon\n",
		"notyaml.yaml":     "registries: [",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadConfigFile(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// oneFileImage is a one-layer image holding one file, for tests that need
// distinct real images in a registry.
func oneFileImage(t testing.TB, path, content string) v1.Image {
	t.Helper()
	l, err := imagebuild.Files(imagebuild.File{Path: path, Content: []byte(content), Mode: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagebuild.Image(imagebuild.Layer{Layer: l, CreatedBy: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return img
}
