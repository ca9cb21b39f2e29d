package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestTakeTokens: the shared token bucket's arithmetic (created full,
// refilled by the time passed up to the burst, taken and given back), a
// clock that goes back refilling nothing, bad arguments and a corrupt row
// refused naming the bucket. On SQLite and, when available, PostgreSQL.
func TestTakeTokens(t *testing.T) {
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "postgres" {
				testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
			}
			e := openEnv(t, b)
			const rate, burst = 2.0, 4
			for i, c := range []struct {
				at         time.Duration
				want, took int
			}{
				{0, 3, 3},                                    // created full: 4
				{0, 3, 1},                                    // 1 left
				{500 * time.Millisecond, 5, 1},               // +1
				{400 * time.Millisecond, 5, 0},               // a clock that went back: nothing
				{2 * time.Second, -10, 0},                    // given back: capped at the burst
				{2 * time.Second, 9, 4},                      // the burst
				{4*time.Second + 500*time.Millisecond, 9, 4}, // +5, capped at 4
			} {
				got, err := e.s.TakeTokens(e.ctx, "hub", rate, burst, c.want, t0.Add(c.at))
				e.must(err)
				if got != c.took {
					t.Errorf("step %d: TakeTokens(want %d at +%v) = %d, want %d", i, c.want, c.at, got, c.took)
				}
			}
			for _, bad := range []struct {
				rate  float64
				burst int
			}{{0, 1}, {-1, 1}, {1, 0}} {
				if _, err := e.s.TakeTokens(e.ctx, "hub", bad.rate, bad.burst, 1, t0); !errors.Is(err, ErrInvalid) {
					t.Errorf("rate %v burst %d: err = %v, want ErrInvalid", bad.rate, bad.burst, err)
				}
			}
			e.must(e.s.PutSetting(e.ctx, "bucket.broken", "x"))
			if _, err := e.s.TakeTokens(e.ctx, "broken", 1, 1, 1, t0); err == nil || !strings.Contains(err.Error(), "bucket broken") {
				t.Errorf("corrupt bucket: err = %v", err)
			}
		})
	}
}
