// Package imagetest helps tests build images and serve them from an
// in-process registry. It is an ordinary (non-test) package so that every
// package's tests can use it; it must not be imported by production code.
package imagetest

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Registry starts go-containerregistry's in-memory registry on a loopback
// port for the duration of the test and returns its host:port
// ("127.0.0.1:NNNN", which clients reach over plain HTTP).
func Registry(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// Push uploads img to ref (e.g. host+"/team/app:1.2").
func Push(t testing.TB, img v1.Image, ref string) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatalf("imagetest.Push: %v", err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatalf("imagetest.Push %s: %v", ref, err)
	}
}

// PushTLS uploads img to ref on a registry that serves TLS with a
// certificate signed by the CA in caFile and wants basic auth.
func PushTLS(t testing.TB, img v1.Image, ref, caFile, user, password string) {
	t.Helper()
	tr := TLSTransport(t, caFile)
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatalf("imagetest.PushTLS: %v", err)
	}
	if err := remote.Write(r, img, remote.WithTransport(tr), remote.WithAuth(&authn.Basic{Username: user, Password: password})); err != nil {
		t.Fatalf("imagetest.PushTLS %s: %v", ref, err)
	}
}

// TLSTransport is an HTTP transport that trusts the CA certificates in the
// PEM file caFile (and nothing else).
func TLSTransport(t testing.TB, caFile string) *http.Transport {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatalf("imagetest.TLSTransport: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("imagetest.TLSTransport: no certificate in %s", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return tr
}

// PushIndex uploads a multi-platform index to ref.
func PushIndex(t testing.TB, idx v1.ImageIndex, ref string) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatalf("imagetest.PushIndex: %v", err)
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatalf("imagetest.PushIndex %s: %v", ref, err)
	}
}

// FromRootFS builds a linux/amd64 image whose first layer is the root
// filesystem tarball at tarGzPath (gzip-compressed tar, used as the layer
// blob as is and streamed from disk, never loaded whole), followed by
// extraLayers. The config's history has one created_by line per layer:
// "rootfs <base name>" for the first, "layer N" for the others.
func FromRootFS(t testing.TB, tarGzPath string, extraLayers ...v1.Layer) v1.Image {
	t.Helper()
	if _, err := os.Stat(tarGzPath); err != nil {
		t.Fatalf("imagetest.FromRootFS: %v", err)
	}
	// tarball.LayerFromOpener sees the gzip magic and takes the file as the
	// compressed blob, hashing it in streaming passes.
	base, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return os.Open(tarGzPath) })
	if err != nil {
		t.Fatalf("imagetest.FromRootFS %s: %v", tarGzPath, err)
	}
	created := time.Date(2024, 9, 6, 0, 0, 0, 0, time.UTC)
	adds := []mutate.Addendum{{
		Layer:   base,
		History: v1.History{CreatedBy: "rootfs " + baseName(tarGzPath), Created: v1.Time{Time: created}},
	}}
	for i, l := range extraLayers {
		adds = append(adds, mutate.Addendum{
			Layer:   l,
			History: v1.History{CreatedBy: "layer " + strconv.Itoa(i+2), Created: v1.Time{Time: created}},
		})
	}
	img, err := mutate.Append(empty.Image, adds...)
	if err != nil {
		t.Fatalf("imagetest.FromRootFS: %v", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatalf("imagetest.FromRootFS: %v", err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Created = v1.Time{Time: created}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatalf("imagetest.FromRootFS: %v", err)
	}
	return img
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}
