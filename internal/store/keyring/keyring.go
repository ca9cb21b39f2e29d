// Package keyring seals the registry credentials the control-plane store
// keeps (internal/store) with keys supplied to every controller replica.
package keyring

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeySize is the length of a sealing key: AES-256.
const KeySize = 32

// Keyring seals registry credentials with AES-256-GCM. Every replica must
// be given the same keys (a Kubernetes Secret mounted as files, or files
// copied to each machine): the keys are deliberately not in the database,
// so a copy of the database alone (a backup, a dump) discloses nothing.
//
// Rotation: the first key seals, every key opens. To rotate, put a new key
// first and keep the old ones after it on every replica, run the store's Reseal
// (every stored credential re-sealed with the new key in one transaction),
// then drop the old keys (see docs/store.md). A sealed value is nonce||ciphertext as before
// keyrings, so values sealed by a single-key controller open unchanged.
type Keyring struct {
	aeads []cipher.AEAD
}

// New builds a keyring from raw 32-byte keys, newest first.
func New(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("keyring: no key")
	}
	k := &Keyring{}
	for i, key := range keys {
		if len(key) != KeySize {
			return nil, fmt.Errorf("keyring: key %d: want %d bytes, have %d", i+1, KeySize, len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %d: %w", i+1, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %d: %w", i+1, err)
		}
		k.aeads = append(k.aeads, aead)
	}
	return k, nil
}

// Load reads the key files at paths, newest first. A missing or
// malformed file is an error naming it: replicas must never start with
// different keys, so nothing is generated here (see LoadOrCreateKey).
func Load(paths ...string) (*Keyring, error) {
	var keys [][]byte
	for _, p := range paths {
		key, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("keyring: reading key file: %w", err)
		}
		// Raw bytes, not text: a key edited in with a trailing newline
		// is refused here rather than silently being another key.
		if len(key) != KeySize {
			return nil, fmt.Errorf("keyring: key file %s: want %d raw bytes, have %d (generate one with: head -c 32 /dev/urandom > %s)", p, KeySize, len(key), p)
		}
		keys = append(keys, key)
	}
	return New(keys...)
}

// LoadOrCreateKey is the single-site default: it reads the key file at
// path, creating it (0600) on first start. The key is written to a
// temporary file and linked into place, so processes starting together
// never see a partly written key and all end with the one that was linked.
func LoadOrCreateKey(path string) (*Keyring, error) {
	_, err := os.Stat(path)
	if err == nil {
		return Load(path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("keyring: generating key: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".secret-key-*")
	if err != nil {
		return nil, fmt.Errorf("keyring: creating key file: %w", err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(key)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("keyring: writing key file %s: %w", f.Name(), werr)
	}
	// CreateTemp made it 0600; Link fails if another process won.
	err = os.Link(f.Name(), path)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// A file system without hard links: exclusive create, where a
		// concurrent starter may read the file before it is written (and
		// then fails on its size rather than using another key).
		if err := createExclusive(path, key); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("keyring: creating key file: %w", err)
		}
	}
	return Load(path)
}

func createExclusive(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(key)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// Seal returns nonce||ciphertext under the newest key; an empty secret
// stays empty, so "not set" needs no key.
func (k *Keyring) Seal(plain string) ([]byte, error) {
	if plain == "" {
		return nil, nil
	}
	aead := k.aeads[0]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("sealing credential: %w", err)
	}
	return aead.Seal(nonce, nonce, []byte(plain), nil), nil
}

// open returns the plaintext and the index of the key that opened it.
func (k *Keyring) open(sealed []byte) (string, int, error) {
	if len(sealed) == 0 {
		return "", 0, nil
	}
	for i, aead := range k.aeads {
		n := aead.NonceSize()
		if len(sealed) < n+aead.Overhead() {
			return "", 0, errors.New("decrypting credential: too short")
		}
		// GCM authenticates: a wrong key fails here, never yields garbage.
		if plain, err := aead.Open(nil, sealed[:n], sealed[n:], nil); err == nil {
			return string(plain), i, nil
		}
	}
	return "", 0, fmt.Errorf("decrypting credential: no key of %d opens it (sealed with a key not given to this replica?)", len(k.aeads))
}

// Open returns the plaintext of a value sealed with any key of the ring.
func (k *Keyring) Open(sealed []byte) (string, error) {
	plain, _, err := k.open(sealed)
	return plain, err
}

// Reseal returns sealed re-sealed with the newest key, and whether that
// changed anything (false when already sealed with it, or empty).
func (k *Keyring) Reseal(sealed []byte) ([]byte, bool, error) {
	plain, idx, err := k.open(sealed)
	if err != nil || idx == 0 {
		return sealed, false, err
	}
	out, err := k.Seal(plain)
	return out, err == nil && !bytes.Equal(out, sealed), err
}
