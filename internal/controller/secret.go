package controller

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

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
