package controller

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestReaperOutageLogging: the reaper's failures during an outage (a
// tick each second) are logged as the outage's start, a reminder with
// its duration at most every minute, and its end, not once per tick. On
// the code before the change every failing tick logged a warning
// (3,600 lines for an hour's outage).
func TestReaperOutageLogging(t *testing.T) {
	refused := fmt.Errorf("listing silent scanners: %w", syscall.ECONNREFUSED)
	other := errors.New("listing silent scanners: no such column")
	for _, tc := range []struct {
		name string
		// ticks are the reaper's outcomes, one a second (nil: success).
		ticks []error
		want  []string // the log's messages, in order
		cause string   // in the start line
		also  []string // further text the log holds
	}{
		{name: "healthy", ticks: repeatTicks(nil, 5)},
		{name: "one failed tick", ticks: []error{nil, refused, nil},
			want: []string{"reaping scanners failed", "the scanner reaper reaches the store again"}, cause: "connection refused"},
		{name: "two and a half minutes down",
			ticks: append(append(repeatTicks(refused, 150), nil), repeatTicks(nil, 3)...),
			want: []string{"reaping scanners failed", "reaping scanners still fails", "reaping scanners still fails",
				"the scanner reaper reaches the store again"}, cause: "connection refused",
			also: []string{"for=1m0s failures=61", "for=2m0s failures=121", "outage=2m30s failures=150"}},
		{name: "two outages", ticks: []error{refused, nil, other, other, nil},
			want: []string{"reaping scanners failed", "the scanner reaper reaches the store again",
				"reaping scanners failed", "the scanner reaper reaches the store again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := &testutil.SyncBuffer{}
			log := slog.New(slog.NewTextHandler(logs, nil))
			var o outage
			start := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
			for i, err := range tc.ticks {
				o.note(log, start.Add(time.Duration(i)*time.Second), err)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				if _, rest, ok := strings.Cut(line, ` msg="`); ok {
					msg, _, _ := strings.Cut(rest, `"`)
					msg, _, _ = strings.Cut(msg, ";")
					got = append(got, msg)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("logged %q, want %q:\n%s", got, tc.want, logs)
			}
			if tc.cause != "" && !strings.Contains(logs.String(), `cause="`+tc.cause+`"`) {
				t.Errorf("the log does not name the cause %q:\n%s", tc.cause, logs)
			}
			for _, want := range tc.also {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("the log lacks %q:\n%s", want, logs)
				}
			}
		})
	}
}

func repeatTicks(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}
