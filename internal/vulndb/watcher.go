package vulndb

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Watcher keeps the newest valid database at a path open. `db update`,
// `db import` and `db pull` rename a complete file into place, so a
// changed file is either the old one or a whole new one; the Watcher
// notices the change by polling, opens and verifies the whole new file
// (OpenVerified: a corrupt block is found before the swap), and swaps
// it in. Scans that acquired the old DB keep it until they release it. A
// new file that fails to open (corrupt, wrong schema) is logged and
// ignored until the file changes again; the old DB stays in service.
//
// Each DB maps its file; it is unmapped (DB.Close) only when its reference
// count drops to zero, i.e. after the Watcher let go of it and every
// Acquire holder released it.
type Watcher struct {
	path   string
	logger *slog.Logger

	mu      sync.Mutex
	cur     *handle
	seen    fileID // the file last tried, good or bad
	checkMu sync.Mutex

	stop chan struct{}
	done chan struct{}
}

// handle reference-counts one DB: the Watcher holds one reference while the
// DB is current, each Acquire one more.
type handle struct {
	db   *DB
	refs int
}

// fileID identifies a version of the file at path. A rename changes the
// inode even when size and mtime happen to be equal.
type fileID struct {
	ino   uint64
	size  int64
	mtime time.Time
}

// NewWatcher opens the database at path and, if interval > 0, checks the
// file every interval. Call Close to stop it.
func NewWatcher(path string, interval time.Duration, logger *slog.Logger) (*Watcher, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	id, err := statID(path)
	if err != nil {
		return nil, fmt.Errorf("opening vulnerability database: %w", err)
	}
	db, err := OpenVerified(path)
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		path: path, logger: logger,
		cur:  &handle{db: db, refs: 1},
		seen: id,
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	if interval > 0 {
		go w.loop(interval)
	} else {
		close(w.done)
	}
	return w, nil
}

func (w *Watcher) loop(interval time.Duration) {
	defer close(w.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			_, _ = w.Check()
		}
	}
}

// Check looks at the file now and swaps in a changed, valid file. It
// reports whether a new DB was swapped in, and the error that made a
// changed file be rejected. The poll loop calls it; callers that know the
// file changed (e.g. right after an update) may call it too.
func (w *Watcher) Check() (swapped bool, err error) {
	w.checkMu.Lock() // one open at a time; Acquire is not blocked by it
	defer w.checkMu.Unlock()
	id, err := statID(w.path)
	if err != nil {
		// A missing file (being replaced, or removed) keeps the old DB.
		if !errors.Is(err, os.ErrNotExist) {
			w.logger.Warn("vulnerability database: stat failed", "path", w.path, "err", err)
		}
		return false, err
	}
	w.mu.Lock()
	same := id == w.seen
	w.mu.Unlock()
	if same {
		return false, nil
	}
	db, err := OpenVerified(w.path)
	w.mu.Lock()
	w.seen = id
	if err != nil {
		w.mu.Unlock()
		w.logger.Error("vulnerability database: new file rejected, keeping the current one", "path", w.path, "err", err)
		return false, err
	}
	old := w.cur
	w.cur = &handle{db: db, refs: 1}
	w.releaseLocked(old)
	w.mu.Unlock()
	info := db.Info()
	w.logger.Info("vulnerability database: swapped in new file", "path", w.path, "digest", info.Digest, "built_at", info.BuiltAt)
	return true, nil
}

// Acquire returns the current DB and a release func that must be called
// once the caller is done with it. The DB stays usable until released even
// if a newer one is swapped in meanwhile.
func (w *Watcher) Acquire() (*DB, func()) {
	w.mu.Lock()
	h := w.cur
	h.refs++
	w.mu.Unlock()
	var once sync.Once
	return h.db, func() {
		once.Do(func() {
			w.mu.Lock()
			w.releaseLocked(h)
			w.mu.Unlock()
		})
	}
}

func (w *Watcher) releaseLocked(h *handle) {
	h.refs--
	if h.refs == 0 {
		h.db.Close()
	}
}

// Close stops polling and drops the Watcher's reference to the current DB;
// DBs still acquired stay open until released.
func (w *Watcher) Close() error {
	select {
	case <-w.stop:
		return nil
	default:
	}
	close(w.stop)
	<-w.done
	w.mu.Lock()
	w.releaseLocked(w.cur)
	w.mu.Unlock()
	return nil
}

func statID(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	return fileID{ino: inode(fi), size: fi.Size(), mtime: fi.ModTime()}, nil
}
