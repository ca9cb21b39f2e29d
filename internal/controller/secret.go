package controller

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/scanfleet/scanfleet/internal/controller/web"
)

// hashToken is how API tokens are stored: they are 256-bit random values,
// so a plain SHA-256 (no salt, no stretching) cannot be brute-forced and
// lets a token be looked up by its hash.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string { return web.RandomHex(n) }
