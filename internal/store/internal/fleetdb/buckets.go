package fleetdb

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

// A token bucket is one settings row, "bucket.NAME" = "TOKENS NANOS"
// (the tokens held at the Unix-nanosecond time NANOS). The row is created
// full, then read and rewritten under a row lock (SELECT ... FOR UPDATE
// on PostgreSQL; SQLite's single writer, taken by the INSERT first), so
// concurrent takers on any number of controllers never hand out a token
// twice.
func (s *Settings) TakeTokens(ctx context.Context, name string, perSecond float64, burst, want int, now time.Time) (int, error) {
	if err := sqlcore.CheckText("bucket name", name); err != nil {
		return 0, err
	}
	if perSecond <= 0 || math.IsNaN(perSecond) || math.IsInf(perSecond, 0) || burst < 1 {
		return 0, fmt.Errorf("%w: bucket %s: rate %v, burst %d (want a positive rate and burst)", model.ErrInvalid, name, perSecond, burst)
	}
	key := "bucket." + name
	took := 0
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		if _, err := t.Exec(`INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			key, fmt.Sprintf("%d %d", burst, now.UnixNano())); err != nil {
			return err
		}
		var v string
		if err := t.QueryRow(`SELECT value FROM settings WHERE name = ?`+s.db.ForUpdate(), key).Scan(&v); err != nil {
			return err
		}
		tokens, at, err := parseBucket(v)
		if err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
		// Refill for the time passed (a clock that went back refills
		// nothing), capped at the burst.
		if d := now.UnixNano() - at; d > 0 {
			tokens = math.Min(float64(burst), tokens+perSecond*float64(d)/1e9)
			at = now.UnixNano()
		}
		switch {
		case want > 0:
			took = min(want, int(math.Floor(tokens)))
			tokens -= float64(took)
		case want < 0:
			tokens = math.Min(float64(burst), tokens-float64(want))
		}
		_, err = t.Exec(`UPDATE settings SET value = ? WHERE name = ?`, strconv.FormatFloat(tokens, 'g', -1, 64)+" "+strconv.FormatInt(at, 10), key)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("taking tokens of bucket %s: %w", name, err)
	}
	return took, nil
}

func parseBucket(v string) (tokens float64, at int64, err error) {
	a, b, ok := strings.Cut(v, " ")
	if ok {
		if tokens, err = strconv.ParseFloat(a, 64); err == nil {
			at, err = strconv.ParseInt(b, 10, 64)
		}
	}
	if !ok || err != nil || math.IsNaN(tokens) {
		return 0, 0, fmt.Errorf("bad stored state %q", v)
	}
	return tokens, at, nil
}
