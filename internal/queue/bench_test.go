package queue

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkEnqueueLeaseComplete measures one task's whole trip (Enqueue,
// Lease of one, Complete) per op, from one goroutine and from several
// workers at once (GOMAXPROCS*4 goroutines).
//
//	go test -run '^$' -bench EnqueueLeaseComplete -benchtime 2000x ./internal/queue/
func BenchmarkEnqueueLeaseComplete(b *testing.B) {
	for _, be := range []backend{sqliteBackend, postgresBackend} {
		b.Run(be.name, func(b *testing.B) {
			q := openBench(b, be)
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				tripOnce(b, ctx, q, "w", fmt.Sprintf("seq-%d", i))
			}
		})
		b.Run(be.name+"-parallel", func(b *testing.B) {
			q := openBench(b, be)
			ctx := context.Background()
			var n, worker atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				name := fmt.Sprintf("w%d", worker.Add(1))
				for pb.Next() {
					tripOnce(b, ctx, q, name, fmt.Sprintf("par-%d", n.Add(1)))
				}
			})
		})
	}
}

func openBench(b *testing.B, be backend) Queue {
	b.Helper()
	q, err := be.fresh(b).open()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { q.Close() })
	return q
}

// tripOnce enqueues a task and leases and completes one task, which under
// parallel load is usually another worker's.
func tripOnce(b *testing.B, ctx context.Context, q Queue, worker, id string) {
	if _, err := q.Enqueue(ctx, Task{ID: id, Key: id, Payload: []byte(`{"image":"` + id + `"}`)}); err != nil {
		b.Fatal(err)
	}
	ts, err := q.Lease(ctx, worker, 1, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range ts {
		if err := q.Complete(ctx, worker, t.ID); err != nil {
			b.Fatal(err)
		}
	}
}
