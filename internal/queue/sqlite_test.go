package queue

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var sqliteBackend = backend{
	handles: 1,
	name:    "sqlite",
	fresh: func(t testing.TB) store {
		path := filepath.Join(t.TempDir(), "queue.db")
		raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return store{
			open: func(opts ...Option) (Queue, error) { return OpenSQLite(context.Background(), path, opts...) },
			raw:  raw,
		}
	},
}

func TestSQLite(t *testing.T) { runConformance(t, sqliteBackend) }

func TestSchemaVersionsAgree(t *testing.T) {
	// Both back ends share one SQL text, so they must be at the same version.
	if len(sqliteSchema) != len(postgresSchema) {
		t.Errorf("sqlite schema has %d versions, postgres %d", len(sqliteSchema), len(postgresSchema))
	}
}

func TestSQLiteMemory(t *testing.T) {
	q, err := OpenSQLite(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	ctx := context.Background()
	if _, err := q.Enqueue(ctx, task("a", 0)); err != nil {
		t.Fatal(err)
	}
	// Reads must see the writer's database, not a fresh empty one.
	if got, err := q.Get(ctx, "a"); err != nil || got.ID != "a" {
		t.Errorf("Get = %+v, %v", got, err)
	}
}

func TestSQLiteOpenErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path string }{
		{"empty path", ""},
		{"question mark", filepath.Join(dir, "a?b.db")},
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "q.db")},
		{"not a database", garbage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := OpenSQLite(context.Background(), tc.path)
			if err == nil {
				q.Close()
				t.Fatalf("OpenSQLite(%q): no error", tc.path)
			}
			if !strings.Contains(err.Error(), "queue") {
				t.Errorf("error %q does not say where it came from", err)
			}
		})
	}
}

// The durability test re-executes the test binary as a child that works the
// queue until it is SIGKILLed. The child writes one line per committed
// operation to stdout, so the parent knows what was acknowledged:
//
//	E id        Enqueue committed
//	B n prefix  EnqueueBatch of n tasks prefix-0..n-1 committed
//	L id        Lease committed (lease of one hour)
//	C id        Complete committed
const (
	childEnv     = "SCANFLEET_QUEUE_TEST_CHILD"
	childDBEnv   = "SCANFLEET_QUEUE_TEST_DB"
	childNameEnv = "SCANFLEET_QUEUE_TEST_NAME"
	batchSize    = 25
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if err := durabilityChild(os.Getenv(childDBEnv), os.Getenv(childNameEnv)); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func durabilityChild(path, name string) error {
	ctx := context.Background()
	q, err := OpenSQLite(ctx, path)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, a ...any) error {
		fmt.Fprintf(out, format+"\n", a...)
		return out.Flush()
	}
	// Bounded so an orphaned child stops by itself; the parent kills it long
	// before.
	for i := range 20000 {
		id := fmt.Sprintf("%s-%d", name, i)
		if _, err := q.Enqueue(ctx, Task{ID: id, Key: id, Payload: []byte(id)}); err != nil {
			return err
		}
		if err := say("E %s", id); err != nil {
			return err
		}
		switch i % 4 {
		case 1:
			ts, err := q.Lease(ctx, name, 2, time.Hour)
			if err != nil {
				return err
			}
			for _, t := range ts {
				if err := say("L %s", t.ID); err != nil {
					return err
				}
			}
			if len(ts) > 0 {
				if err := q.Complete(ctx, name, ts[0].ID); err != nil {
					return err
				}
				if err := say("C %s", ts[0].ID); err != nil {
					return err
				}
			}
		case 3:
			prefix := fmt.Sprintf("%s-b%d", name, i)
			batch := make([]Task, batchSize)
			for j := range batch {
				id := fmt.Sprintf("%s-%d", prefix, j)
				batch[j] = Task{ID: id, Key: id}
			}
			if _, err := q.EnqueueBatch(ctx, batch); err != nil {
				return err
			}
			if err := say("B %d %s", batchSize, prefix); err != nil {
				return err
			}
		}
	}
	return q.Close()
}

type acked struct {
	enqueued  map[string]bool
	leased    map[string]bool // by this child
	completed map[string]bool
	batches   []string
}

// runChild starts a child on path and SIGKILLs it after it has acknowledged
// killAfter operations.
func runChild(t *testing.T, path, name string, killAfter int) acked {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDBEnv+"="+path, childNameEnv+"="+name)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	a := acked{enqueued: map[string]bool{}, leased: map[string]bool{}, completed: map[string]bool{}}
	sc := bufio.NewScanner(stdout)
	n := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch f[0] {
		case "E":
			a.enqueued[f[1]] = true
		case "L":
			a.leased[f[1]] = true
		case "C":
			a.completed[f[1]] = true
		case "B":
			a.batches = append(a.batches, f[2])
		}
		if n++; n == killAfter {
			break
		}
	}
	if n < killAfter {
		t.Fatalf("child stopped after %d operations (%v), before the kill", n, sc.Err())
	}
	// The child keeps writing until the signal lands: it dies mid-way
	// through whatever transaction it is in.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die of SIGKILL: %v", err)
	}
	return a
}

func TestSQLiteSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	path := filepath.Join(t.TempDir(), "queue.db")
	ctx := context.Background()
	// Several children in turn on one file, killed at different points;
	// each round checks everything acknowledged so far.
	all := acked{enqueued: map[string]bool{}, leased: map[string]bool{}, completed: map[string]bool{}}
	for round, killAfter := range []int{7, 150, 600} {
		a := runChild(t, path, fmt.Sprintf("r%d", round), killAfter)
		for k := range a.enqueued {
			all.enqueued[k] = true
		}
		for k := range a.completed {
			all.completed[k] = true
		}
		all.batches = append(all.batches, a.batches...)

		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		var check string
		if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("round %d: integrity_check = %q, %v", round, check, err)
		}
		// A batch is all or nothing, acknowledged or not.
		rows, err := raw.Query(`SELECT id FROM queue_tasks WHERE id GLOB '*-b*'`)
		if err != nil {
			t.Fatal(err)
		}
		inDB := map[string]int{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			inDB[id[:strings.LastIndexByte(id, '-')]]++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		raw.Close()
		for p, n := range inDB {
			if n != batchSize {
				t.Errorf("round %d: batch %s has %d of %d tasks: a torn transaction", round, p, n, batchSize)
			}
		}
		for _, p := range all.batches {
			if inDB[p] != batchSize {
				t.Errorf("round %d: acknowledged batch %s has %d tasks, want %d", round, p, inDB[p], batchSize)
			}
		}

		// Reopen an hour and a minute later: the child's leases have expired.
		later := time.Now().Add(time.Hour + time.Minute)
		q, err := OpenSQLite(ctx, path, WithClock(func() time.Time { return later }))
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		for id := range all.enqueued {
			tk, err := q.Get(ctx, id)
			if err != nil {
				t.Fatalf("round %d: acknowledged task lost: %v", round, err)
			}
			if string(tk.Payload) != id {
				t.Errorf("round %d: %s payload = %q", round, id, tk.Payload)
			}
			if all.completed[id] && tk.State != StateDone {
				t.Errorf("round %d: acknowledged Complete of %s lost: state %s", round, id, tk.State)
			}
			if a.leased[id] && tk.State != StateLeased && tk.State != StateDone {
				t.Errorf("round %d: acknowledged lease of %s lost", round, id)
			}
		}
		// Every unfinished task is runnable again: nothing is stuck.
		c, err := q.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c[StateLeased] != 0 || c[StateFailed] != 0 {
			t.Errorf("round %d: Counts = %v, want no live leases and no failures", round, c)
		}
		got, err := q.Lease(ctx, "survivor", 1_000_000, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != c[StateQueued] {
			t.Errorf("round %d: leased %d of %d runnable tasks", round, len(got), c[StateQueued])
		}
		// Hand them back so the next child's database looks like a live one.
		if err := q.Release(ctx, "survivor", ids(got)); err != nil {
			t.Fatal(err)
		}
		if err := q.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after %d acknowledged operations; %d tasks, %d done", round, killAfter,
			c[StateQueued]+c[StateDone], c[StateDone])
	}
	if len(all.completed) == 0 || len(all.batches) == 0 {
		t.Errorf("the children acknowledged %d completions and %d batches: the test exercised too little",
			len(all.completed), len(all.batches))
	}
}
