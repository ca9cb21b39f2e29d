package dbcmd

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/scanfleet/scanfleet/internal/vulndb"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// tracker shows which source a build or update is reading. vulndbbuild.Build
// reports each source once loaded; a big archive takes tens of seconds, so
// on a terminal the current source and its elapsed time are redrawn every
// second. It also knows, when the build fails, which source failed and
// which were not tried.
type tracker struct {
	w   io.Writer
	tty bool
	// order is the sources in the order Build reads them (DSA/DLA lists
	// first, as Build does).
	order []string

	mu      sync.Mutex
	next    int // index in order of the source being read
	started time.Time
	done    chan struct{}
	wg      sync.WaitGroup
}

func newTracker(w io.Writer, sources []string) *tracker {
	var dsa, rest []string
	for _, s := range sources {
		if vulndbbuild.IsDSASource(s) {
			dsa = append(dsa, s)
		} else {
			rest = append(rest, s)
		}
	}
	t := &tracker{w: w, tty: isTerminal(w), order: append(dsa, rest...), next: len(dsa), started: time.Now(), done: make(chan struct{})}
	if t.tty {
		t.wg.Add(1)
		go t.redraw()
	}
	return t
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// redraw rewrites the status line every second until stop.
func (t *tracker) redraw() {
	defer t.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-t.done:
			return
		case <-tick.C:
			t.mu.Lock()
			if t.next < len(t.order) {
				fmt.Fprintf(t.w, "\r\033[K[%d/%d] reading %s … %s", t.next+1, len(t.order), t.order[t.next], time.Since(t.started).Round(time.Second))
			}
			t.mu.Unlock()
		}
	}
}

// loaded is the vulndb Progress callback.
func (t *tracker) loaded(s vulndb.SourceInfo) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tty {
		fmt.Fprint(t.w, "\r\033[K")
	}
	fmt.Fprintf(t.w, "loaded %s: %d records, %d enrichment records, %d malformed, %d withdrawn, %d skipped (%s)\n",
		s.Source, s.Records, s.Enrichment, s.Malformed, s.Withdrawn, s.Skipped, time.Since(t.started).Round(100*time.Millisecond))
	if i := slices.Index(t.order, s.Source); i >= t.next {
		t.next = i + 1
	}
	t.started = time.Now()
}

// stop ends the redrawing and clears the status line.
func (t *tracker) stop() {
	close(t.done)
	t.wg.Wait()
	if t.tty {
		fmt.Fprint(t.w, "\r\033[K")
	}
}

// failed returns the source being read when the build failed and those
// after it, which were not tried.
func (t *tracker) failed() (string, []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.next >= len(t.order) {
		return "", nil
	}
	return t.order[t.next], t.order[t.next+1:]
}

// failure explains a failed build or update: which source failed, and
// which feeds were not tried because of it.
func (t *tracker) failure(err error, what string) error {
	src, rest := t.failed()
	if src == "" {
		return err
	}
	if len(rest) == 0 {
		return fmt.Errorf("%w (it was the last source; %s)", err, what)
	}
	return fmt.Errorf("%w; not tried after it: %s (%s)", err, strings.Join(rest, ", "), what)
}

// emptySources names the sources that added nothing to the database: a
// source with no advisory and no enrichment record (a wrong path, a
// format not recognised), and DSA/DLA lists when no Debian advisory was
// there to attach them to.
func emptySources(info vulndb.Info) []string {
	hasDebian := slices.ContainsFunc(info.Ecosystems, func(e string) bool { return strings.HasPrefix(e, "Debian") })
	var out []string
	for _, s := range info.Sources {
		switch {
		case vulndbbuild.IsDSASource(s.Source):
			if !hasDebian {
				out = append(out, fmt.Sprintf("%s: its %d DSA/DLA entries name advisories that fixed CVEs, but no source gave Debian advisories to attach them to (add the Debian security tracker JSON or OSV's Debian records)", s.Source, s.Records))
			}
		case s.Records == 0 && s.Enrichment == 0:
			out = append(out, fmt.Sprintf("%s: no advisory or enrichment record in %d files read (%d malformed, %d skipped)", s.Source, s.Files, s.Malformed, s.Skipped))
		}
	}
	return out
}
