package store

import (
	"context"
	"fmt"
	"time"
)

// The fleet layer store and the claims on layers being analysed.

func (s *db) GetLayer(ctx context.Context, key string) ([]byte, bool, error) {
	var raw []byte
	ok, err := noRows(s.queryRow(ctx, `SELECT analysis FROM layers WHERE key = ?`, cleanText(key)).Scan(&raw))
	if err != nil {
		return nil, false, fmt.Errorf("reading layer %s: %w", key, err)
	}
	return raw, ok, nil
}

func (t *tx) putLayer(key string, raw []byte) error {
	if _, err := t.exec(`INSERT INTO layers(key, analysis, stored_at) VALUES(?,?,?)
		ON CONFLICT(key) DO UPDATE SET analysis=excluded.analysis, stored_at=excluded.stored_at`, key, raw, time.Now().UnixNano()); err != nil {
		return err
	}
	_, err := t.exec(`DELETE FROM layer_claims WHERE key = ?`, key)
	return err
}

func (s *db) PutLayer(ctx context.Context, key string, raw []byte) error {
	if err := checkText("layer key", key); err != nil {
		return err
	}
	if err := s.withTx(ctx, func(t *tx) error { return t.putLayer(key, raw) }); err != nil {
		return fmt.Errorf("storing layer %s: %w", key, err)
	}
	return nil
}

func (s *db) PutClaimedLayer(ctx context.Context, key, holder string, raw []byte, now time.Time) error {
	if err := checkText("layer key", key); err != nil {
		return err
	}
	err := s.withTx(ctx, func(t *tx) error {
		var cur string
		var exp int64
		// The row lock keeps a concurrent claimer from taking the layer
		// between this check and the write.
		ok, err := noRows(t.queryRow(`SELECT holder, expires FROM layer_claims WHERE key = ?`+s.d.forUpdate, key).Scan(&cur, &exp))
		if err != nil {
			return err
		}
		if !ok || cur != holder || exp <= nanos(now) {
			return fmt.Errorf("claim %q: %w", holder, ErrNotHolder)
		}
		return t.putLayer(key, raw)
	})
	if err != nil {
		return fmt.Errorf("storing layer %s: %w", key, err)
	}
	return nil
}

func (s *db) DeleteLayer(ctx context.Context, key string) (bool, error) {
	n, err := s.affected(ctx, `DELETE FROM layers WHERE key = ?`, cleanText(key))
	if err != nil {
		return false, fmt.Errorf("deleting layer %s: %w", key, err)
	}
	return n > 0, nil
}

func (s *db) ClaimLayer(ctx context.Context, key, scanner, holder string, now, expires time.Time) (bool, Claim, error) {
	var (
		got bool
		cur Claim
	)
	if err := checkText("layer claim", key, scanner, holder); err != nil {
		return false, cur, err
	}
	err := s.withTx(ctx, func(t *tx) error {
		// One statement decides: a new row, or taking over a row that is
		// ours or has lapsed. Under concurrency PostgreSQL's ON CONFLICT
		// and SQLite's single writer both let exactly one claimer win.
		rows, err := t.query(`INSERT INTO layer_claims(key, holder, scanner, expires) VALUES(?,?,?,?)
			ON CONFLICT(key) DO UPDATE SET holder=excluded.holder, scanner=excluded.scanner, expires=excluded.expires
			WHERE layer_claims.holder = excluded.holder OR layer_claims.expires <= ?
			RETURNING holder`, key, holder, scanner, nanos(expires), nanos(now))
		if err != nil {
			return err
		}
		got = rows.Next()
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var exp int64
		if err := t.queryRow(`SELECT key, holder, scanner, expires FROM layer_claims WHERE key = ?`, key).
			Scan(&cur.Key, &cur.Holder, &cur.Scanner, &exp); err != nil {
			return err
		}
		cur.Expires = fromNanos(exp)
		return nil
	})
	if err != nil {
		return false, cur, fmt.Errorf("claiming layer %s for %s: %w", key, holder, err)
	}
	return got, cur, nil
}

func (s *db) LayerClaim(ctx context.Context, key string, now time.Time) (Claim, bool, error) {
	var (
		c   Claim
		exp int64
	)
	ok, err := noRows(s.queryRow(ctx, `SELECT key, holder, scanner, expires FROM layer_claims WHERE key = ? AND expires > ?`,
		cleanText(key), nanos(now)).Scan(&c.Key, &c.Holder, &c.Scanner, &exp))
	if err != nil {
		return c, false, fmt.Errorf("reading claim on layer %s: %w", key, err)
	}
	c.Expires = fromNanos(exp)
	return c, ok, nil
}

func (s *db) ReleaseLayerClaim(ctx context.Context, key, holder string) (bool, error) {
	n, err := s.affected(ctx, `DELETE FROM layer_claims WHERE key = ? AND holder = ?`, cleanText(key), cleanText(holder))
	if err != nil {
		return false, fmt.Errorf("releasing claim on layer %s: %w", key, err)
	}
	return n > 0, nil
}

func (s *db) RenewLayerClaims(ctx context.Context, scanner string, expires time.Time) (int64, error) {
	n, err := s.affected(ctx, `UPDATE layer_claims SET expires = ? WHERE scanner = ?`, nanos(expires), cleanText(scanner))
	if err != nil {
		return 0, fmt.Errorf("renewing layer claims of scanner %s: %w", scanner, err)
	}
	return n, nil
}

func (s *db) DropLayerClaims(ctx context.Context, scanner string) (int64, error) {
	n, err := s.affected(ctx, `DELETE FROM layer_claims WHERE scanner = ?`, cleanText(scanner))
	if err != nil {
		return 0, fmt.Errorf("dropping layer claims of scanner %s: %w", scanner, err)
	}
	return n, nil
}

func (s *db) ExpireLayerClaims(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.affected(ctx, `DELETE FROM layer_claims WHERE expires <= ?`, nanos(now))
	if err != nil {
		return 0, fmt.Errorf("expiring layer claims: %w", err)
	}
	return n, nil
}
