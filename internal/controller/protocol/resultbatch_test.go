package protocol

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/store"
)

// fakeResults records the batches written and fails any batch holding a
// result of a digest in bad.
type fakeResults struct {
	mu      sync.Mutex
	batches [][]string
	stored  map[string]bool
	bad     map[string]bool
	// gate, when set, holds the first batch until it is closed.
	gate chan struct{}
}

func (f *fakeResults) put(ctx context.Context, rs []store.Result) ([]bool, error) {
	f.mu.Lock()
	first := len(f.batches) == 0
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.TaskID)
	}
	f.batches = append(f.batches, ids)
	f.mu.Unlock()
	if first && f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range rs {
		if f.bad[r.Image.Digest] {
			return nil, fmt.Errorf("%w: result of %s is bad", store.ErrInvalid, r.Image.Digest)
		}
	}
	out := make([]bool, len(rs))
	for i, r := range rs {
		out[i] = !f.stored[r.TaskID]
		f.stored[r.TaskID] = true
	}
	return out, nil
}

func (f *fakeResults) pending(b *resultBatcher) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// TestResultBatcher: results posted while a batch is written go into the
// next one together; each post learns its own outcome (stored, already
// stored, or its own error when the batch it was in failed because of
// another result).
func TestResultBatcher(t *testing.T) {
	const n = 9
	for _, c := range []struct {
		name string
		bad  string // digest of the one failing result ("": none)
		// wantErr is the set of task ids whose post must fail.
		wantErr []string
	}{
		{name: "all stored, grouped"},
		{name: "one bad result fails only its own post", bad: "sha256:5", wantErr: []string{"t5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeResults{stored: map[string]bool{"t3": true}, bad: map[string]bool{c.bad: c.bad != ""}, gate: make(chan struct{})}
			b := newResultBatcher(f.put, 32, 1)
			type outcome struct {
				stored bool
				err    error
			}
			out := make([]outcome, n)
			var wg sync.WaitGroup
			post := func(i int) {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				r := store.Result{TaskID: fmt.Sprint("t", i), Image: store.ImageSummary{Digest: fmt.Sprint("sha256:", i)}}
				out[i].stored, out[i].err = b.Put(ctx, r)
			}
			// The first post's batch is held open until all others have
			// queued behind it.
			wg.Add(1)
			go post(0)
			waitFor(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.batches) == 1 })
			for i := 1; i < n; i++ {
				wg.Add(1)
				go post(i)
			}
			waitFor(t, func() bool { return f.pending(b) == n-1 })
			close(f.gate)
			wg.Wait()

			if want := []string{"t0"}; !slices.Equal(f.batches[0], want) {
				t.Errorf("first batch %v, want %v", f.batches[0], want)
			}
			if got := f.batches[1]; len(got) != n-1 {
				t.Errorf("second batch %v: want the %d posts that queued meanwhile", got, n-1)
			}
			for i, o := range out {
				id := fmt.Sprint("t", i)
				switch {
				case slices.Contains(c.wantErr, id):
					if !errors.Is(o.err, store.ErrInvalid) {
						t.Errorf("%s: err %v, want its own ErrInvalid", id, o.err)
					}
				case o.err != nil:
					t.Errorf("%s: %v", id, o.err)
				case o.stored != (id != "t3"):
					t.Errorf("%s: stored %v, want %v (t3 was stored before)", id, o.stored, id != "t3")
				}
			}
			// The writer exits once nothing is pending.
			waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.running == 0 && len(b.pending) == 0 })
		})
	}
}

// TestResultBatcherGivenUp: a post whose context ends while it waits
// returns its cause, and its result is not written afterwards.
func TestResultBatcherGivenUp(t *testing.T) {
	f := &fakeResults{stored: map[string]bool{}, gate: make(chan struct{})}
	b := newResultBatcher(f.put, 32, 1)
	done := make(chan error, 1)
	go func() {
		_, err := b.Put(context.Background(), store.Result{TaskID: "t0"})
		done <- err
	}()
	waitFor(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.batches) == 1 })
	ctx, cancel := context.WithCancelCause(context.Background())
	gaveUp := errors.New("scanner's post timed out")
	got := make(chan error, 1)
	go func() {
		_, err := b.Put(ctx, store.Result{TaskID: "t1"})
		got <- err
	}()
	waitFor(t, func() bool { return f.pending(b) == 1 })
	cancel(gaveUp)
	if err := <-got; !errors.Is(err, gaveUp) {
		t.Errorf("given-up post: err %v, want its cause", err)
	}
	close(f.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.running == 0 })
	if f.stored["t1"] || len(f.batches) != 1 {
		t.Errorf("batches %v: the given-up result was written", f.batches)
	}
}

// waitFor polls cond for up to a minute (a loaded CI machine).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within a minute")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
