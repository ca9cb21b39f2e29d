package queue

import (
	"errors"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// testFailPermanently: a permanent failure fails the task at once, on its
// first attempt, with its cause and its holder kept; only the holder may,
// and a later Fail or FailPermanently by anyone changes nothing.
func testFailPermanently(t *testing.T, b backend) {
	e := openEnv(t, b)
	e.enqueue(Task{ID: "a", Key: "a"})
	e.enqueue(Task{ID: "b", Key: "b"})
	got := e.lease("w", 2, time.Minute)
	if len(got) != 2 {
		t.Fatalf("leased %d, want 2", len(got))
	}
	for _, tc := range []struct {
		name, worker, id string
		wantErr          error
	}{
		{"not the holder", "x", "a", ErrLeaseLost},
		{"unknown task", "w", "zz", ErrNotFound},
		{"the holder", "w", "a", nil},
		{"twice", "w", "a", ErrLeaseLost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.q.FailPermanently(e.ctx, tc.worker, tc.id, "image not found: "+tc.name)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("FailPermanently(%s, %s) = %v, want %v", tc.worker, tc.id, err, tc.wantErr)
			}
		})
	}
	a := e.get("a")
	if a.State != StateFailed || a.Attempts != 1 || a.LeasedBy != "w" || a.LastError != "image not found: the holder" {
		t.Errorf("after FailPermanently: %+v, want failed on attempt 1 with its cause, last holder w", a)
	}
	// A transient failure of the other task is still retried.
	if err := e.q.Fail(e.ctx, "w", "b", "registry stalled"); err != nil {
		t.Fatal(err)
	}
	if bt := e.get("b"); bt.State != StateQueued {
		t.Errorf("after Fail: %+v, want queued again", bt)
	}
	if c := e.counts(); c[StateFailed] != 1 || c[StateQueued] != 1 {
		t.Errorf("counts %v, want 1 failed, 1 queued", c)
	}
}

func TestFailPermanently(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testFailPermanently(t, sqliteBackend) })
	t.Run("postgres", func(t *testing.T) {
		testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
		testFailPermanently(t, postgresBackend)
	})
}
