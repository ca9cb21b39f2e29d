package fleetdb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

// The fleet layer store and the claims on layers being analysed.

func (s *Layers) GetLayer(ctx context.Context, key string) ([]byte, bool, error) {
	var raw []byte
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT analysis FROM layers WHERE key = ?`, sqlcore.CleanText(key)).Scan(&raw))
	if err != nil {
		return nil, false, fmt.Errorf("reading layer %s: %w", key, err)
	}
	return raw, ok, nil
}

// GetLayers reads keys with one SELECT ... IN: a scan asks for all its
// layers at once, and a query per layer was most of what the lookup cost.
func (s *Layers) GetLayers(ctx context.Context, keys []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(keys))
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), maxLayersPerQuery)]
		keys = keys[len(chunk):]
		args := make([]any, len(chunk))
		for i, k := range chunk {
			args[i] = sqlcore.CleanText(k)
		}
		marks := strings.Repeat("?,", len(chunk))
		err := s.db.EachRow(ctx, func(r sqlcore.RowScanner) error {
			var (
				key string
				raw []byte
			)
			if err := r.Scan(&key, &raw); err != nil {
				return err
			}
			out[key] = raw
			return nil
		}, `SELECT key, analysis FROM layers WHERE key IN (`+marks[:len(marks)-1]+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("reading %d layers: %w", len(chunk), err)
		}
	}
	return out, nil
}

// maxLayersPerQuery bounds the parameters of one GetLayers query (SQLite
// builds before 3.32 allowed 999).
const maxLayersPerQuery = 500

func putLayer(t *sqlcore.Tx, key string, raw []byte) error {
	if _, err := t.Exec(`INSERT INTO layers(key, analysis, stored_at) VALUES(?,?,?)
		ON CONFLICT(key) DO UPDATE SET analysis=excluded.analysis, stored_at=excluded.stored_at`, key, raw, time.Now().UnixNano()); err != nil {
		return err
	}
	_, err := t.Exec(`DELETE FROM layer_claims WHERE key = ?`, key)
	return err
}

func (s *Layers) PutLayer(ctx context.Context, key string, raw []byte) error {
	if err := sqlcore.CheckText("layer key", key); err != nil {
		return err
	}
	if err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error { return putLayer(t, key, raw) }); err != nil {
		return fmt.Errorf("storing layer %s: %w", key, err)
	}
	return nil
}

func (s *Layers) PutClaimedLayer(ctx context.Context, key, holder string, raw []byte, now time.Time) error {
	if err := sqlcore.CheckText("layer key", key); err != nil {
		return err
	}
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		var cur string
		var exp int64
		// The row lock keeps a concurrent claimer from taking the layer
		// between this check and the write.
		ok, err := sqlcore.NoRows(t.QueryRow(`SELECT holder, expires FROM layer_claims WHERE key = ?`+s.db.ForUpdate(), key).Scan(&cur, &exp))
		if err != nil {
			return err
		}
		if !ok || cur != holder || exp <= sqlcore.Nanos(now) {
			return fmt.Errorf("claim %q: %w", holder, model.ErrNotHolder)
		}
		return putLayer(t, key, raw)
	})
	if err != nil {
		return fmt.Errorf("storing layer %s: %w", key, err)
	}
	return nil
}

func (s *Layers) DeleteLayer(ctx context.Context, key string) (bool, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM layers WHERE key = ?`, sqlcore.CleanText(key))
	if err != nil {
		return false, fmt.Errorf("deleting layer %s: %w", key, err)
	}
	return n > 0, nil
}

func (s *Layers) ClaimLayer(ctx context.Context, key, scanner, holder string, now, expires time.Time) (bool, model.Claim, error) {
	var (
		got bool
		cur model.Claim
	)
	if err := sqlcore.CheckText("layer claim", key, scanner, holder); err != nil {
		return false, cur, err
	}
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		// One statement decides: a new row, or taking over a row that is
		// ours or has lapsed. Under concurrency PostgreSQL's ON CONFLICT
		// and SQLite's single writer both let exactly one claimer win.
		rows, err := t.Query(`INSERT INTO layer_claims(key, holder, scanner, expires) VALUES(?,?,?,?)
			ON CONFLICT(key) DO UPDATE SET holder=excluded.holder, scanner=excluded.scanner, expires=excluded.expires
			WHERE layer_claims.holder = excluded.holder OR layer_claims.expires <= ?
			RETURNING holder`, key, holder, scanner, sqlcore.Nanos(expires), sqlcore.Nanos(now))
		if err != nil {
			return err
		}
		got = rows.Next()
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var exp int64
		if err := t.QueryRow(`SELECT key, holder, scanner, expires FROM layer_claims WHERE key = ?`, key).
			Scan(&cur.Key, &cur.Holder, &cur.Scanner, &exp); err != nil {
			return err
		}
		cur.Expires = sqlcore.FromNanos(exp)
		return nil
	})
	if err != nil {
		return false, cur, fmt.Errorf("claiming layer %s for %s: %w", key, holder, err)
	}
	return got, cur, nil
}

func (s *Layers) LayerClaim(ctx context.Context, key string, now time.Time) (model.Claim, bool, error) {
	var (
		c   model.Claim
		exp int64
	)
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT key, holder, scanner, expires FROM layer_claims WHERE key = ? AND expires > ?`,
		sqlcore.CleanText(key), sqlcore.Nanos(now)).Scan(&c.Key, &c.Holder, &c.Scanner, &exp))
	if err != nil {
		return c, false, fmt.Errorf("reading claim on layer %s: %w", key, err)
	}
	c.Expires = sqlcore.FromNanos(exp)
	return c, ok, nil
}

func (s *Layers) ReleaseLayerClaim(ctx context.Context, key, holder string) (bool, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM layer_claims WHERE key = ? AND holder = ?`, sqlcore.CleanText(key), sqlcore.CleanText(holder))
	if err != nil {
		return false, fmt.Errorf("releasing claim on layer %s: %w", key, err)
	}
	return n > 0, nil
}

func (s *Layers) RenewLayerClaims(ctx context.Context, scanner string, expires time.Time) (int64, error) {
	n, err := s.db.Affected(ctx, `UPDATE layer_claims SET expires = ? WHERE scanner = ?`, sqlcore.Nanos(expires), sqlcore.CleanText(scanner))
	if err != nil {
		return 0, fmt.Errorf("renewing layer claims of scanner %s: %w", scanner, err)
	}
	return n, nil
}

func (s *Layers) DropLayerClaims(ctx context.Context, scanner string) (int64, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM layer_claims WHERE scanner = ?`, sqlcore.CleanText(scanner))
	if err != nil {
		return 0, fmt.Errorf("dropping layer claims of scanner %s: %w", scanner, err)
	}
	return n, nil
}

func (s *Layers) ExpireLayerClaims(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM layer_claims WHERE expires <= ?`, sqlcore.Nanos(now))
	if err != nil {
		return 0, fmt.Errorf("expiring layer claims: %w", err)
	}
	return n, nil
}
