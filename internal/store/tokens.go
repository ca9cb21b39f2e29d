package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
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

const tokenCols = `id, name, role, created_at, created_by, expires_at, last_used_at, revoked_at, revoked_by` // #nosec G101 -- column names of the tokens table, not a credential

func scanToken(sc rowScanner) (Token, error) {
	var t Token
	var role string
	var created, expires, used, revoked int64
	if err := sc.Scan(&t.ID, &t.Name, &role, &created, &t.CreatedBy, &expires, &used, &revoked, &t.RevokedBy); err != nil {
		return Token{}, err
	}
	t.Role = Role(role)
	t.CreatedAt = time.Unix(0, created).UTC()
	opt := func(ns int64) *time.Time {
		if ns == 0 {
			return nil
		}
		v := time.Unix(0, ns).UTC()
		return &v
	}
	t.ExpiresAt, t.LastUsed, t.RevokedAt = opt(expires), opt(used), opt(revoked)
	t.Revoked = revoked != 0
	return t, nil
}

func optNanos(t *time.Time) int64 {
	if t == nil || t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func newTokenID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token id: %w", err)
	}
	return "tok-" + hex.EncodeToString(b), nil
}

func (s *db) CreateToken(ctx context.Context, hash string, t Token) (Token, error) {
	if err := checkText("token hash", hash); err != nil {
		return Token{}, err
	}
	if err := ValidTokenName(t.Name); err != nil {
		return Token{}, err
	}
	if !t.Role.Valid() {
		return Token{}, fmt.Errorf("%w: role %q", ErrInvalid, t.Role)
	}
	if t.CreatedBy == "" {
		t.CreatedBy = BootstrapCreator
	}
	if err := checkText("token creator", t.CreatedBy); err != nil {
		return Token{}, err
	}
	if t.ID == "" {
		id, err := newTokenID()
		if err != nil {
			return Token{}, err
		}
		t.ID = id
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	t.CreatedAt = time.Unix(0, t.CreatedAt.UnixNano()).UTC()
	if t.ExpiresAt != nil && !t.ExpiresAt.After(t.CreatedAt) {
		return Token{}, fmt.Errorf("%w: token %q: expiry %s is not after its creation %s", ErrInvalid, t.Name,
			t.ExpiresAt.UTC().Format(time.RFC3339), t.CreatedAt.Format(time.RFC3339))
	}
	if t.ExpiresAt != nil {
		v := t.ExpiresAt.UTC()
		t.ExpiresAt = &v
	}
	t.LastUsed, t.Revoked, t.RevokedAt, t.RevokedBy = nil, false, nil, ""
	err := s.withTx(ctx, func(x *tx) error {
		var n int
		if err := x.queryRow(`SELECT count(*) FROM tokens WHERE name = ?`, t.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("token %q: %w", t.Name, ErrTokenNameTaken)
		}
		if _, err := x.exec(`INSERT INTO tokens(hash, role, created_at, id, name, created_by, expires_at) VALUES(?,?,?,?,?,?,?)`,
			hash, string(t.Role), t.CreatedAt.UnixNano(), t.ID, t.Name, t.CreatedBy, optNanos(t.ExpiresAt)); err != nil {
			return err
		}
		after, err := json.Marshal(t)
		if err != nil {
			return err
		}
		return addAudit(x, &AuditEntry{At: t.CreatedAt, Actor: t.CreatedBy, Action: AuditCreate, Kind: "token", Object: t.Name, After: after})
	})
	if err != nil {
		if !errors.Is(err, ErrTokenNameTaken) {
			// Two creations of one name at once: the loser meets the
			// unique index instead of the check.
			if _, taken, gerr := s.GetToken(ctx, t.Name); gerr == nil && taken {
				return Token{}, fmt.Errorf("token %q: %w", t.Name, ErrTokenNameTaken)
			}
		}
		return Token{}, fmt.Errorf("storing token %q: %w", t.Name, err)
	}
	return t, nil
}

func (s *db) AddToken(ctx context.Context, hash string, role Role) error {
	id, err := newTokenID()
	if err != nil {
		return err
	}
	_, err = s.CreateToken(ctx, hash, Token{ID: id, Name: string(role) + "-" + strings.TrimPrefix(id, "tok-"), Role: role, CreatedBy: BootstrapCreator})
	return err
}

func (s *db) TokenByHash(ctx context.Context, hash string) (Token, bool, error) {
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, cleanText(hash)))
	ok, err := noRows(err)
	if err != nil {
		return Token{}, false, fmt.Errorf("looking up token: %w", err)
	}
	return t, ok, nil
}

func (s *db) TokenRole(ctx context.Context, hash string) (Role, bool, error) {
	t, ok, err := s.TokenByHash(ctx, hash)
	if err != nil || !ok || !t.Usable(time.Now()) {
		return "", false, err
	}
	return t.Role, true, nil
}

func (s *db) GetToken(ctx context.Context, name string) (Token, bool, error) {
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE name = ?`, cleanText(name)))
	ok, err := noRows(err)
	if err != nil {
		return Token{}, false, fmt.Errorf("reading token %q: %w", name, err)
	}
	return t, ok, nil
}

func (s *db) ListTokens(ctx context.Context) ([]Token, error) {
	out := []Token{}
	err := s.eachRow(ctx, func(sc rowScanner) error {
		t, err := scanToken(sc)
		if err != nil {
			return err
		}
		out = append(out, t)
		return nil
	}, `SELECT `+tokenCols+` FROM tokens ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	return out, nil
}

func (s *db) RevokeToken(ctx context.Context, name, by string, at time.Time) (Token, bool, error) {
	if err := checkText("revoker", by); err != nil {
		return Token{}, false, err
	}
	var out Token
	var found bool
	err := s.withTx(ctx, func(x *tx) error {
		before, err := scanToken(x.queryRow(`SELECT `+tokenCols+` FROM tokens WHERE name = ?`, cleanText(name)))
		if found, err = noRows(err); err != nil || !found {
			return err
		}
		if before.Revoked {
			out = before
			return nil
		}
		if _, err := x.exec(`UPDATE tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at = 0`, at.UnixNano(), by, before.ID); err != nil {
			return err
		}
		out = before
		ra := time.Unix(0, at.UnixNano()).UTC()
		out.Revoked, out.RevokedAt, out.RevokedBy = true, &ra, by
		b, err := json.Marshal(before)
		if err != nil {
			return err
		}
		a, err := json.Marshal(out)
		if err != nil {
			return err
		}
		return addAudit(x, &AuditEntry{At: ra, Actor: by, Action: AuditUpdate, Kind: "token", Object: name, Before: b, After: a})
	})
	if err != nil {
		return Token{}, false, fmt.Errorf("revoking token %q: %w", name, err)
	}
	return out, found, nil
}

func (s *db) TouchToken(ctx context.Context, id string, at time.Time) (bool, error) {
	n, err := s.affected(ctx, `UPDATE tokens SET last_used_at = ? WHERE id = ? AND last_used_at <= ?`,
		at.UnixNano(), cleanText(id), at.Add(-TokenTouchInterval).UnixNano())
	if err != nil {
		return false, fmt.Errorf("recording use of token %s: %w", id, err)
	}
	return n > 0, nil
}
