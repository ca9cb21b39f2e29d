package keyring

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestRotation(t *testing.T) {
	old, err := New(key(1))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := old.Seal("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	ring, err := New(key(2), key(1)) // rotated: the new key first
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := ring.Open(sealed); err != nil || plain != "s3cret" {
		t.Fatalf("the rotated ring opens %q, %v", plain, err)
	}
	resealed, changed, err := ring.Reseal(sealed)
	if err != nil || !changed {
		t.Fatalf("Reseal: changed=%v, %v", changed, err)
	}
	if _, err := old.Open(resealed); err == nil {
		t.Error("the old key opens a value re-sealed with the new one")
	}
	newOnly, _ := New(key(2))
	if plain, err := newOnly.Open(resealed); err != nil || plain != "s3cret" {
		t.Errorf("the new key alone opens %q, %v", plain, err)
	}
	if again, changed, err := ring.Reseal(resealed); err != nil || changed || !bytes.Equal(again, resealed) {
		t.Errorf("re-sealing a value already under the newest key: changed=%v, %v", changed, err)
	}
}

func TestSealOpenEdges(t *testing.T) {
	ring, _ := New(key(1))
	other, _ := New(key(9))
	sealed, _ := ring.Seal("x")
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	for _, c := range []struct {
		name   string
		sealed []byte
		want   string
		err    string
	}{
		{"empty stays empty", nil, "", ""},
		{"too short", []byte{1, 2, 3}, "", "too short"},
		{"tampered", tampered, "", "no key of 1 opens it"},
	} {
		got, err := ring.Open(c.sealed)
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: Open = %q, %v", c.name, got, err)
		}
	}
	if _, err := other.Open(sealed); err == nil {
		t.Error("a foreign key opened the value")
	}
	if s, err := ring.Seal(""); s != nil || err != nil {
		t.Errorf("Seal(\"\") = %v, %v", s, err)
	}
	if _, err := New(); err == nil {
		t.Error("New() with no key succeeded")
	}
	if _, err := New(key(1)[:16]); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good, short := filepath.Join(dir, "good.key"), filepath.Join(dir, "short.key")
	if err := os.WriteFile(good, key(1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(short, append(key(1), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(good); err != nil {
		t.Errorf("Load(good): %v", err)
	}
	for _, p := range []string{short, filepath.Join(dir, "missing.key")} {
		if _, err := Load(good, p); err == nil || !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("Load(%s): error %v does not name the file", p, err)
		}
	}
}

// TestLoadOrCreateKeyRace: processes starting together on an empty data
// directory end with one key.
func TestLoadOrCreateKeyRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	const n = 8
	rings := make([]*Keyring, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rings[i], errs[i] = LoadOrCreateKey(path)
		}()
	}
	wg.Wait()
	var sealed []byte
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("opener %d: %v", i, errs[i])
		}
		if sealed == nil {
			sealed, _ = rings[i].Seal("x")
			continue
		}
		if plain, err := rings[i].Open(sealed); err != nil || plain != "x" {
			t.Errorf("opener %d has a different key: %v", i, err)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v", fi, err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}
