package queue

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzTaskRoundTrip sends arbitrary keys, worker names, payloads and causes
// through a task's life on SQLite: the queue must either reject a name with
// an error or store everything exactly, and never panic or wedge.
//
//	go test -run '^$' -fuzz FuzzTaskRoundTrip -fuzztime 30s ./internal/queue/
func FuzzTaskRoundTrip(f *testing.F) {
	for _, s := range []struct {
		key, worker string
		payload     []byte
		cause       string
	}{
		{"docker.io/library/alpine@sha256:beefdd", "scanner-7f9c", []byte(`{"image":"alpine:3.20.3","reason":"periodic"}`), "pull: 429 Too Many Requests"},
		{"127.0.0.1:5000/scan-fixture@sha256:00", "w", nil, ""},
		{"ghcr.io/ünï/x@sha256:1", "wörker", []byte{0, 0xff}, strings.Repeat("x", maxErrorLen+3)},
		{"a\x00b", "w", nil, "c"},
		{"k", "w\xff", nil, "c"},
		{"k", "w", nil, "open /x\x00\xff"},
	} {
		f.Add(s.key, s.worker, s.payload, s.cause)
	}
	dir := f.TempDir()
	ctx := context.Background()
	q, err := OpenSQLite(ctx, filepath.Join(dir, "fuzz.db"), WithClock(func() time.Time { return time.Unix(1e9, 0) }))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { q.Close() })
	n := 0
	f.Fuzz(func(t *testing.T, key, worker string, payload []byte, cause string) {
		n++
		id := fmt.Sprintf("fuzz-%d", n)
		added, err := q.Enqueue(ctx, Task{ID: id, Key: key, Payload: payload, MaxAttempts: 1})
		keyOK := key != "" && utf8.ValidString(key) && !strings.ContainsRune(key, 0)
		if keyOK != (err == nil) {
			t.Fatalf("Enqueue(key %q): err = %v, key valid = %v", key, err, keyOK)
		}
		if err != nil {
			return
		}
		if !added {
			t.Fatalf("key %q deduplicated against a task no longer live", key)
		}
		got, err := q.Get(ctx, id)
		if err != nil || got.Key != key || string(got.Payload) != string(payload) {
			t.Fatalf("round trip: %+v, %v", got, err)
		}
		workerOK := worker != "" && utf8.ValidString(worker) && !strings.ContainsRune(worker, 0)
		if !workerOK {
			worker = "fallback" // still finish the task so no live one is left
		}
		leased, err := q.Lease(ctx, worker, 1, time.Minute)
		if err != nil || len(leased) != 1 || leased[0].ID != id {
			t.Fatalf("Lease = %v, %v; want [%s]", ids(leased), err, id)
		}
		if err := q.Fail(ctx, worker, id, cause); err != nil {
			t.Fatalf("Fail: %v", err)
		}
		got, err = q.Get(ctx, id)
		if err != nil || got.State != StateFailed {
			t.Fatalf("after Fail: %+v, %v", got, err)
		}
		if !utf8.ValidString(got.LastError) || len(got.LastError) > maxErrorLen {
			t.Fatalf("LastError %q is not valid bounded text", got.LastError)
		}
		if utf8.ValidString(cause) && !strings.ContainsRune(cause, 0) && len(cause) <= maxErrorLen && got.LastError != cause {
			t.Fatalf("LastError = %q, want the cause %q unchanged", got.LastError, cause)
		}
	})
}
