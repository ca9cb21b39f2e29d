package controller

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// keyFile is the name of the AES-256 key, in the data directory.
const keyFile = "secret.key"

// sealer encrypts registry credentials at rest with AES-256-GCM. The key
// lives in its own 0600 file, so a copy of state.db alone (a backup, a
// support bundle) does not disclose credentials.
type sealer struct{ aead cipher.AEAD }

// loadOrCreateKey reads the key file in dir, creating it (0600, O_EXCL so two
// controllers starting together cannot write different keys) on first start.
func loadOrCreateKey(dir string) (*sealer, error) {
	path := filepath.Join(dir, keyFile)
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("generating key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("creating key file: %w", err)
		}
		_, werr := f.Write(key)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("writing key file: %w", werr)
		}
	} else if err != nil {
		return nil, fmt.Errorf("reading key file: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("key file %s: want 32 bytes, have %d", path, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return &sealer{aead: aead}, nil
}

// seal returns nonce||ciphertext; an empty secret stays empty so "not set"
// needs no decryption.
func (s *sealer) seal(plain string) ([]byte, error) {
	if plain == "" {
		return nil, nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("generating nonce: %w", err)
	}
	return s.aead.Seal(nonce, nonce, []byte(plain), nil), nil
}

func (s *sealer) open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("decrypting credential: too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return "", fmt.Errorf("decrypting credential (wrong key file?): %w", err)
	}
	return string(plain), nil
}

// hashToken is how API tokens are stored: they are 256-bit random values,
// so a plain SHA-256 (no salt, no stretching) cannot be brute-forced and
// lets a token be looked up by its hash.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+ panics
		// inside Read instead of returning an error).
		panic(err)
	}
	return hex.EncodeToString(b)
}
