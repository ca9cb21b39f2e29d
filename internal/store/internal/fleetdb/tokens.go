package fleetdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/internal/triagedb"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

const tokenCols = `id, name, role, created_at, created_by, expires_at, last_used_at, revoked_at, revoked_by` // #nosec G101 -- column names of the tokens table, not a credential

func scanToken(sc sqlcore.RowScanner) (model.Token, error) {
	var t model.Token
	var role string
	var created, expires, used, revoked int64
	if err := sc.Scan(&t.ID, &t.Name, &role, &created, &t.CreatedBy, &expires, &used, &revoked, &t.RevokedBy); err != nil {
		return model.Token{}, err
	}
	t.Role = model.Role(role)
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

func (s *Tokens) CreateToken(ctx context.Context, hash string, t model.Token) (model.Token, error) {
	if err := sqlcore.CheckText("token hash", hash); err != nil {
		return model.Token{}, err
	}
	if err := model.ValidTokenName(t.Name); err != nil {
		return model.Token{}, err
	}
	if !t.Role.Valid() {
		return model.Token{}, fmt.Errorf("%w: role %q", model.ErrInvalid, t.Role)
	}
	if t.CreatedBy == "" {
		t.CreatedBy = model.BootstrapCreator
	}
	if err := sqlcore.CheckText("token creator", t.CreatedBy); err != nil {
		return model.Token{}, err
	}
	if t.ID == "" {
		id, err := newTokenID()
		if err != nil {
			return model.Token{}, err
		}
		t.ID = id
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	t.CreatedAt = time.Unix(0, t.CreatedAt.UnixNano()).UTC()
	if t.ExpiresAt != nil && !t.ExpiresAt.After(t.CreatedAt) {
		return model.Token{}, fmt.Errorf("%w: token %q: expiry %s is not after its creation %s", model.ErrInvalid, t.Name,
			t.ExpiresAt.UTC().Format(time.RFC3339), t.CreatedAt.Format(time.RFC3339))
	}
	if t.ExpiresAt != nil {
		v := t.ExpiresAt.UTC()
		t.ExpiresAt = &v
	}
	t.LastUsed, t.Revoked, t.RevokedAt, t.RevokedBy = nil, false, nil, ""
	err := s.db.WithTx(ctx, func(x *sqlcore.Tx) error {
		var n int
		if err := x.QueryRow(`SELECT count(*) FROM tokens WHERE name = ?`, t.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("token %q: %w", t.Name, model.ErrTokenNameTaken)
		}
		if _, err := x.Exec(`INSERT INTO tokens(hash, role, created_at, id, name, created_by, expires_at) VALUES(?,?,?,?,?,?,?)`,
			hash, string(t.Role), t.CreatedAt.UnixNano(), t.ID, t.Name, t.CreatedBy, optNanos(t.ExpiresAt)); err != nil {
			return err
		}
		after, err := json.Marshal(t)
		if err != nil {
			return err
		}
		return triagedb.AddAuditTx(x, &model.AuditEntry{At: t.CreatedAt, Actor: t.CreatedBy, Action: model.AuditCreate, Kind: "token", Object: t.Name, After: after})
	})
	if err != nil {
		if !errors.Is(err, model.ErrTokenNameTaken) {
			// Two creations of one name at once: the loser meets the
			// unique index instead of the check.
			if _, taken, gerr := s.GetToken(ctx, t.Name); gerr == nil && taken {
				return model.Token{}, fmt.Errorf("token %q: %w", t.Name, model.ErrTokenNameTaken)
			}
		}
		return model.Token{}, fmt.Errorf("storing token %q: %w", t.Name, err)
	}
	return t, nil
}

func (s *Tokens) AddToken(ctx context.Context, hash string, role model.Role) error {
	id, err := newTokenID()
	if err != nil {
		return err
	}
	_, err = s.CreateToken(ctx, hash, model.Token{ID: id, Name: string(role) + "-" + strings.TrimPrefix(id, "tok-"), Role: role, CreatedBy: model.BootstrapCreator})
	return err
}

func (s *Tokens) TokenByHash(ctx context.Context, hash string) (model.Token, bool, error) {
	t, err := scanToken(s.db.QueryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, sqlcore.CleanText(hash)))
	ok, err := sqlcore.NoRows(err)
	if err != nil {
		return model.Token{}, false, fmt.Errorf("looking up token: %w", err)
	}
	return t, ok, nil
}

func (s *Tokens) TokenRole(ctx context.Context, hash string) (model.Role, bool, error) {
	t, ok, err := s.TokenByHash(ctx, hash)
	if err != nil || !ok || !t.Usable(time.Now()) {
		return "", false, err
	}
	return t.Role, true, nil
}

func (s *Tokens) GetToken(ctx context.Context, name string) (model.Token, bool, error) {
	t, err := scanToken(s.db.QueryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE name = ?`, sqlcore.CleanText(name)))
	ok, err := sqlcore.NoRows(err)
	if err != nil {
		return model.Token{}, false, fmt.Errorf("reading token %q: %w", name, err)
	}
	return t, ok, nil
}

func (s *Tokens) ListTokens(ctx context.Context) ([]model.Token, error) {
	out := []model.Token{}
	err := s.db.EachRow(ctx, func(sc sqlcore.RowScanner) error {
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

func (s *Tokens) RevokeToken(ctx context.Context, name, by string, at time.Time) (model.Token, bool, error) {
	if err := sqlcore.CheckText("revoker", by); err != nil {
		return model.Token{}, false, err
	}
	var out model.Token
	var found bool
	err := s.db.WithTx(ctx, func(x *sqlcore.Tx) error {
		before, err := scanToken(x.QueryRow(`SELECT `+tokenCols+` FROM tokens WHERE name = ?`, sqlcore.CleanText(name)))
		if found, err = sqlcore.NoRows(err); err != nil || !found {
			return err
		}
		if before.Revoked {
			out = before
			return nil
		}
		if _, err := x.Exec(`UPDATE tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at = 0`, at.UnixNano(), by, before.ID); err != nil {
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
		return triagedb.AddAuditTx(x, &model.AuditEntry{At: ra, Actor: by, Action: model.AuditUpdate, Kind: "token", Object: name, Before: b, After: a})
	})
	if err != nil {
		return model.Token{}, false, fmt.Errorf("revoking token %q: %w", name, err)
	}
	return out, found, nil
}

func (s *Tokens) TouchToken(ctx context.Context, id string, at time.Time) (bool, error) {
	n, err := s.db.Affected(ctx, `UPDATE tokens SET last_used_at = ? WHERE id = ? AND last_used_at <= ?`,
		at.UnixNano(), sqlcore.CleanText(id), at.Add(-model.TokenTouchInterval).UnixNano())
	if err != nil {
		return false, fmt.Errorf("recording use of token %s: %w", id, err)
	}
	return n > 0, nil
}
