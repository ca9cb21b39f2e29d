package vulndb

import (
	"context"
	"os"
	"testing"
)

// Figures from these benchmarks are recorded in docs/db-format.md:
//
//	go test -run '^$' -bench . -benchtime 10x ./internal/vulndb/

func BenchmarkOpen(b *testing.B) {
	f := fullDB(b)
	for b.Loop() {
		db, err := Open(f.path)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkOpenVerified is Open plus every data block hashed (what the
// Watcher and installs do).
func BenchmarkOpenVerified(b *testing.B) {
	f := fullDB(b)
	for b.Loop() {
		db, err := OpenVerified(f.path)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkOpenNoVerify is Open without the sha256 of the head, to show
// what the eager part of the digest check costs.
func BenchmarkOpenNoVerify(b *testing.B) {
	f := fullDB(b)
	for b.Loop() {
		data, err := os.ReadFile(f.path)
		if err != nil {
			b.Fatal(err)
		}
		l, err := parseHeader(data)
		if err != nil {
			b.Fatal(err)
		}
		db, err := openLayout(l)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkLookup500 looks up 500 packages spread over every ecosystem,
// decoding every advisory returned, on an already opened DB.
func BenchmarkLookup500(b *testing.B) {
	f := fullDB(b)
	db, err := Open(f.path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	keys := sampleKeys(f.byKey, 500)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		n = 0
		for _, k := range keys {
			eco, pkg, _ := cut0(k)
			got, err := db.Advisories(ctx, eco, pkg)
			if err != nil {
				b.Fatal(err)
			}
			n += len(got)
		}
	}
	b.ReportMetric(float64(n), "advisories/op")
}

// BenchmarkOpenFile opens the database file SCANFLEET_BENCH_DBFILE names
// (e.g. the one bench/db.sh builds) and looks up one package: the cost
// of a scanner's first lookup on a real-sized file.
func BenchmarkOpenFile(b *testing.B) {
	path := os.Getenv("SCANFLEET_BENCH_DBFILE")
	if path == "" {
		b.Skip("SCANFLEET_BENCH_DBFILE is not set")
	}
	for b.Loop() {
		db, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Advisories(context.Background(), "npm", "npm-pkg-1"); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}
