package web

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomHex is n random bytes, hex-encoded: ids and tokens.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+ panics
		// inside Read instead of returning an error).
		panic(err)
	}
	return hex.EncodeToString(b)
}
