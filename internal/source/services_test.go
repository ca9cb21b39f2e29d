package source

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// Tests against a real registry (Debian's docker-registry, started by
// scripts/ci/start-registry.sh) and a real Docker engine
// (scripts/ci/start-docker.sh).

func TestRealRegistryPlain(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	fix := fixtureImage(t)
	ref := host + "/source-test/plain:1"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, fix, remote.WithContext(t.Context())); err != nil {
		t.Fatalf("pushing to %s: %v", ref, err)
	}
	want, _ := fix.Digest()
	for _, ref := range []string{ref, host + "/source-test/plain@" + want.String()} {
		img := mustOpen(t, ref, Options{})
		got, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: digest %s, want %s", ref, got, want)
		}
		if err := imagetest.ReadLayers(img); err != nil {
			t.Error(err)
		}
	}
	_, err = Open(t.Context(), host+"/source-test/plain:missing", Options{})
	assertKind(t, err, ErrNotFound)
}

func TestRealRegistryTLSAuth(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS")
	caFile := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS_CA")
	user := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_USER")
	pass := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_PASSWORD")

	tr := imagetest.TLSTransport(t, caFile)

	fix := fixtureImage(t)
	ref := host + "/source-test/private:1"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, fix, remote.WithContext(t.Context()), remote.WithTransport(tr),
		remote.WithAuth(&authn.Basic{Username: user, Password: pass})); err != nil {
		t.Fatalf("pushing to %s: %v", ref, err)
	}
	want, _ := fix.Digest()

	// A docker config.json holding the same credentials.
	cfgPath := filepath.Join(t.TempDir(), "config.json")
	cfg, _ := json.Marshal(map[string]any{"auths": map[string]any{
		host: map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))},
	}})
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}

	good := []struct {
		name string
		opts Options
	}{
		{"basic auth + CA", Options{Username: user, Password: pass, CACertFile: caFile}},
		{"docker config + CA", Options{DockerConfig: cfgPath, CACertFile: caFile}},
		{"basic auth + insecure", Options{Username: user, Password: pass, Insecure: true}},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			img := mustOpen(t, ref, tt.opts)
			got, err := img.Digest()
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("digest %s, want %s", got, want)
			}
			if err := imagetest.ReadLayers(img); err != nil {
				t.Error(err)
			}
		})
	}

	const wrong = "wrong-Pa55word-xyz"
	bad := []struct {
		name string
		opts Options
		kind error
	}{
		{"wrong password", Options{Username: user, Password: wrong, CACertFile: caFile}, ErrUnauthorized},
		{"missing docker config", Options{CACertFile: caFile, DockerConfig: filepath.Join(t.TempDir(), "absent.json")}, ErrInvalid},
		{"anonymous", Options{CACertFile: caFile, DockerConfig: emptyDockerConfig(t)}, ErrUnauthorized},
		{"untrusted CA", Options{Username: user, Password: pass}, ErrUnreachable},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(t.Context(), ref, tt.opts)
			assertKind(t, err, tt.kind)
			if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), pass) {
				t.Errorf("error leaks a password: %v", err)
			}
		})
	}
}

func emptyDockerConfig(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte(`{"auths":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDockerEngine(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_DOCKER_HOST")
	name := testutil.Service(t, "SCANFLEET_TEST_DOCKER_IMAGE")
	// The spool file goes to TMPDIR; a private one shows Close removes it.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	img, err := Open(t.Context(), "docker:"+name, Options{DockerHost: host})
	if err != nil {
		t.Fatal(err)
	}
	if img.Reference != "docker:"+name || !img.StoredUncompressed {
		t.Errorf("Reference %q StoredUncompressed %v", img.Reference, img.StoredUncompressed)
	}
	archive := mustOpen(t, "docker-archive:"+fixtureDocker(t), Options{})
	for _, pair := range []struct {
		what string
		f    func(v1.Image) (v1.Hash, error)
	}{{"config digest", v1.Image.ConfigName}, {"manifest digest", v1.Image.Digest}} {
		a, err1 := pair.f(img)
		b, err2 := pair.f(archive)
		if err1 != nil || err2 != nil || a != b {
			t.Errorf("%s: engine %s (%v), archive %s (%v)", pair.what, a, err1, b, err2)
		}
	}
	if a, b := strings.Join(diffIDs(t, img), " "), strings.Join(diffIDs(t, archive), " "); a != b {
		t.Errorf("diff IDs: engine %s, archive %s", a, b)
	}
	if err := imagetest.ReadLayers(img); err != nil {
		t.Error(err)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 1 {
		t.Errorf("want one spool file while open, have %v", left)
	}
	if err := img.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
		t.Errorf("Close left %v behind", left)
	}

	_, err = Open(t.Context(), "docker:no-such-image:never", Options{DockerHost: host})
	assertKind(t, err, ErrNotFound)
	_, err = Open(t.Context(), "docker:"+name, Options{DockerHost: "unix://" + filepath.Join(t.TempDir(), "absent.sock")})
	assertKind(t, err, ErrUnreachable)
}
