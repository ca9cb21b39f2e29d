package model

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Token is an API token as stored: everything but its secret, of which
// only a SHA-256 hash is kept (and never returned).
type Token struct {
	// ID is "tok-" and 16 hex digits; Name is unique among all tokens,
	// revoked ones included, so a name in the audit log names one token.
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// CreatedBy is the creating token's name, or "bootstrap" for a token
	// made with direct access to the store (controller token create).
	CreatedBy string `json:"created_by"`
	// ExpiresAt, when set, is the moment the token stops working.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// LastUsed is the last authenticated request, to within
	// TokenTouchInterval (it is written at most that often).
	LastUsed *time.Time `json:"last_used,omitempty"`
	Revoked  bool       `json:"revoked"`
	// RevokedAt and RevokedBy say when and by whom (a token's name).
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy string     `json:"revoked_by,omitempty"`
}

// Expired reports whether the token has an expiry at or before now.
func (t Token) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// Usable reports whether the token authenticates at now.
func (t Token) Usable(now time.Time) bool { return !t.Revoked && !t.Expired(now) }

// TokenTouchInterval is how stale a token's LastUsed may get: it is
// written at most once per interval, so authentication costs a read, not
// a write, per request.
const TokenTouchInterval = time.Minute

// ErrTokenNameTaken: another token (perhaps a revoked one) has the name.
var ErrTokenNameTaken = errors.New("token name already taken")

// BootstrapCreator is CreatedBy of tokens made with direct access to the
// store rather than through the API.
const BootstrapCreator = "bootstrap"

var tokenName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// ValidTokenName checks a token's name: 1 to 64 letters, digits, '.',
// '_', '@' or '-', starting with a letter or digit.
func ValidTokenName(name string) error {
	if !tokenName.MatchString(name) {
		return fmt.Errorf("%w: token name %q: want 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", ErrInvalid, name)
	}
	return nil
}

// Tokens are API tokens, stored by hash.
type Tokens interface {
	// CreateToken stores a token with hash as t says (Name and Role
	// required; ID and CreatedAt filled in when empty) and returns it as
	// stored. A name in use is ErrTokenNameTaken. The creation is in the
	// audit log.
	CreateToken(ctx context.Context, hash string, t Token) (Token, error)
	// AddToken stores a token with role under a generated name.
	AddToken(ctx context.Context, hash string, role Role) error
	// TokenByHash returns the token with hash, whatever its state; ok is
	// false for an unknown one.
	TokenByHash(ctx context.Context, hash string) (t Token, ok bool, err error)
	// TokenRole returns the role of the token with hash; ok is false for
	// an unknown, revoked or expired token.
	TokenRole(ctx context.Context, hash string) (role Role, ok bool, err error)
	// GetToken returns the token named name.
	GetToken(ctx context.Context, name string) (t Token, ok bool, err error)
	// ListTokens lists every token, revoked and expired ones included,
	// by name.
	ListTokens(ctx context.Context) ([]Token, error)
	// RevokeToken revokes the token named name (by is the revoker's
	// name) and returns it; revoking a revoked token changes nothing;
	// ok is false for an unknown name. The revocation is in the audit log.
	RevokeToken(ctx context.Context, name, by string, at time.Time) (t Token, ok bool, err error)
	// TouchToken records a use of token id at at, unless its LastUsed is
	// within TokenTouchInterval of at; written reports whether it wrote.
	TouchToken(ctx context.Context, id string, at time.Time) (written bool, err error)
}
