package controller

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/store/keyring"
)

// TestResealRotatesKeys: a credential sealed with the old key opens with
// the new key alone once Reseal has run with both (the rotation of
// docs/store.md), so the old key can be dropped.
func TestResealRotatesKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	oldKey, newKey := filepath.Join(dir, "old.key"), filepath.Join(dir, "new.key")
	for _, p := range []string{oldKey, newKey} {
		if err := os.WriteFile(p, []byte((rand.Text() + rand.Text())[:32]), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	admin, err := CreateToken(ctx, dir, RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ctx, Config{DataDir: dir, SecretKeyFiles: []string{oldKey}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	f := &fixture{url: srv.URL, admin: admin, reader: admin, c: c}
	reg := mustJSON(t, api.RegistryInput{Registry: api.Registry{Name: "r1", URL: "http://127.0.0.1:1"}, Password: testPassword})
	if code, body := f.do(t, http.MethodPost, "/api/v1/registries", admin, reg); code != http.StatusCreated {
		t.Fatalf("adding a registry: %d %s", code, body)
	}
	srv.Close()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	sealed := func() []byte {
		st, err := store.OpenSQLite(ctx, filepath.Join(dir, "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		r, ok, err := st.GetRegistry(ctx, "r1")
		if err != nil || !ok {
			t.Fatalf("registry r1: ok %v, err %v", ok, err)
		}
		return r.PasswordSealed
	}
	onlyNew, err := keyring.Load(newKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := onlyNew.Open(sealed()); err == nil {
		t.Fatal("the new key opened a credential sealed before it existed")
	}
	n, err := Reseal(ctx, Config{DataDir: dir, SecretKeyFiles: []string{newKey, oldKey}})
	if err != nil || n != 1 {
		t.Fatalf("Reseal: %d registries, err %v; want 1", n, err)
	}
	got, err := onlyNew.Open(sealed())
	if err != nil || got != testPassword {
		t.Fatalf("after Reseal the new key alone opens %q (err %v), want the password", got, err)
	}
	if _, err := Reseal(ctx, Config{DataDir: dir, SecretKeyFiles: []string{filepath.Join(dir, "missing.key")}}); err == nil {
		t.Error("Reseal with a missing key file succeeded")
	}
}
