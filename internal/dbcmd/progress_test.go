package dbcmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// TestBuildWarnsOnEmptySources: a source that adds nothing (the real DSA/DLA
// lists without the tracker, a directory of no known format) used to build
// silently with exit 0.
func TestBuildWarnsOnEmptySources(t *testing.T) {
	npm := testutil.Data(t, "advisories", "osv-ghsa-npm-subset")
	dsa := testutil.Data(t, "advisories", "debian-security-tracker-2023-04")
	unknown := t.TempDir()
	if err := os.WriteFile(filepath.Join(unknown, "notes.txt"), []byte("no advisories here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		sources []string
		warn    []string // substrings of warnings; nil: none expected
	}{
		{"a real feed", []string{npm}, nil},
		{"DSA/DLA lists without Debian advisories", []string{dsa, npm}, []string{"source added nothing: " + dsa, "DSA/DLA entries"}},
		{"a directory of no known format", []string{npm, unknown}, []string{"source added nothing: " + unknown, "no advisory or enrichment record"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, strict := range []bool{false, true} {
				out := filepath.Join(t.TempDir(), "x.db")
				args := []string{"build", "--out", out}
				if strict {
					args = append(args, "--strict")
				}
				_, stderr, err := run(t, append(args, tc.sources...)...)
				for _, w := range tc.warn {
					if !strings.Contains(stderr, w) {
						t.Errorf("strict=%v: stderr lacks %q:\n%s", strict, w, stderr)
					}
				}
				if tc.warn == nil && strings.Contains(stderr, "warning") {
					t.Errorf("unexpected warning:\n%s", stderr)
				}
				_, statErr := os.Stat(out)
				switch {
				case strict && tc.warn != nil:
					if err == nil || !strings.Contains(err.Error(), "added nothing") || statErr == nil {
						t.Errorf("--strict: err %v, file exists %v; want an error and no file", err, statErr == nil)
					}
					if _, err := os.Stat(out + ".strict-build"); err == nil {
						t.Error("--strict left its temporary file")
					}
				default:
					if err != nil || statErr != nil {
						t.Errorf("strict=%v: err %v, stat %v", strict, err, statErr)
					}
				}
			}
		})
	}
}

// TestUpdateNamesFeedsNotTried: an unreachable feed used to stop the update
// without saying which feeds were left.
func TestUpdateNamesFeedsNotTried(t *testing.T) {
	npm := testutil.Data(t, "advisories", "osv-ghsa-npm-subset")
	alpine := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	crates := testutil.Data(t, "advisories", "osv-crates.tar.gz")
	// A port nothing listens on: refused at once.
	unreachable := "http://127.0.0.1:1/osv/npm/all.zip"
	db := filepath.Join(t.TempDir(), "u.db")
	_, stderr, err := run(t, "update", "--db", db, "--source", npm, "--source", unreachable, "--source", alpine, "--source", crates)
	if err == nil {
		t.Fatalf("update succeeded with an unreachable feed:\n%s", stderr)
	}
	msg := err.Error()
	for _, want := range []string{unreachable, "not tried after it: " + alpine + ", " + crates, "left as it was"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
	if !strings.Contains(stderr, "loaded "+npm) {
		t.Errorf("progress lacks the loaded feed:\n%s", stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a database was written")
	}
}

// TestTrackerRedrawsOnTerminal: on a terminal the source being read is
// shown while it is read, not only once loaded.
func TestTrackerRedrawsOnTerminal(t *testing.T) {
	var buf testutil.SyncBuffer
	tr := &tracker{w: &buf, tty: true, order: []string{"a.zip", "b.zip"}, started: time.Now(), done: make(chan struct{})}
	tr.wg.Add(1)
	go tr.redraw()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(buf.String(), "[1/2] reading a.zip") {
		if time.Now().After(deadline) {
			t.Fatalf("no status line for the first source within 30 s: %q", buf.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	tr.loaded(vulndb.SourceInfo{Source: "a.zip", Records: 3})
	for !strings.Contains(buf.String(), "[2/2] reading b.zip") {
		if time.Now().After(deadline) {
			t.Fatalf("no status line for the second source within 30 s: %q", buf.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	tr.stop()
	if out := buf.String(); !strings.Contains(out, "\r\033[Kloaded a.zip: 3 records") {
		t.Errorf("loaded line does not clear the status line: %q", out)
	}
	if src, rest := tr.failed(); src != "b.zip" || len(rest) != 0 {
		t.Errorf("failed() = %q %q, want b.zip and nothing after", src, rest)
	}
}
