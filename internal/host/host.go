// Package host scans a live root filesystem (the machine the scanner runs
// on, or a host reached from a container through /proc/1/root) with the
// same analyzers as an image layer, and produces the same layer.Analysis,
// so that inventory, matching and reports are shared with image scans.
//
// A live filesystem is not a tar stream: it has kernel pseudo filesystems
// whose files block or never end, network mounts, other containers'
// filesystems, symlinks pointing anywhere, FIFOs and unbounded depth. The
// walk therefore skips mounts by type (read from mountinfo), never follows
// a symlink, opens files only through an os.Root (which refuses any path
// resolving outside the root), opens them non-blocking and checks they are
// regular files before reading, and bounds depth, file count and file
// size.
package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
)

// Defaults for Options' bounds.
const (
	DefaultMaxDepth = 64
	DefaultMaxFiles = 2_000_000
)

// DefaultSkipDirs are never walked, whatever is mounted there: kernel
// interfaces and runtime state, which hold no installed software.
var DefaultSkipDirs = []string{"proc", "sys", "dev", "run"}

// maxWarnings bounds the warnings of one kind kept: a tree of a million
// unreadable directories must not produce a million-line report.
const maxWarnings = 50

// Options tune a host walk.
type Options struct {
	// SkipDirs are glob patterns (path.Match syntax) matched against each
	// directory's absolute path inside the root ("/var/lib/*"), as Trivy's
	// --skip-dirs; a pattern without a leading "/" is taken from the root.
	SkipDirs []string
	// MaxDepth bounds directory nesting (0: DefaultMaxDepth).
	MaxDepth int
	// MaxFiles bounds the entries visited (0: DefaultMaxFiles).
	MaxFiles int
	// Analyzers default to all.Analyzers().
	Analyzers []analyzer.Analyzer
	// Progress is told the number of entries seen so far, every few
	// thousand entries and at the end.
	Progress func(entries int)
	// Warn receives what was not scanned and why (unreadable directories,
	// depth and count limits, unreadable mountinfo).
	Warn func(msg string)

	// onVisit and onRead are test hooks: every entry walked, every file
	// opened (paths relative to the root).
	onVisit func(rel string)
	onRead  func(rel string)
}

// Analyze walks the filesystem at root and returns what the analyzers
// found, in the shape a layer gives, so that
// inventory.Merge([]*layer.Analysis{a}, ...) yields the inventory. Limits
// reached and unreadable parts are reported through opts.Warn, not as
// errors: a partial scan of a host says what it missed. Errors are for a
// root that cannot be opened and for cancellation.
func Analyze(ctx context.Context, root string, opts Options) (*layer.Analysis, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("host root %s: %w", root, err)
	}
	defer r.Close()
	w := &walker{
		ctx:       ctx,
		root:      r,
		opts:      opts,
		analyzers: opts.Analyzers,
		a:         &layer.Analysis{},
		skip:      map[string]string{},
		warned:    map[string]int{},
	}
	if w.analyzers == nil {
		w.analyzers = all.Analyzers()
	}
	if w.opts.MaxDepth <= 0 {
		w.opts.MaxDepth = DefaultMaxDepth
	}
	if w.opts.MaxFiles <= 0 {
		w.opts.MaxFiles = DefaultMaxFiles
	}
	for _, d := range DefaultSkipDirs {
		w.skip[d] = "default"
	}
	for _, p := range opts.SkipDirs {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		p = path.Clean(p)
		if _, err := path.Match(p, "/"); err != nil {
			return nil, fmt.Errorf("skip-dirs pattern %q: %w", p, err)
		}
		w.globs = append(w.globs, p)
	}
	mounts, err := mountsUnder(root)
	if err != nil {
		w.warn("mountinfo", fmt.Sprintf("mounts not read (%v): only %s are skipped", err, strings.Join(DefaultSkipDirs, ", ")))
	}
	for rel, why := range mounts {
		w.skip[rel] = why
	}

	if err := w.dir(".", 0); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if opts.Progress != nil {
		opts.Progress(w.a.Entries)
	}
	for kind, n := range w.warned {
		if n > maxWarnings {
			w.emit(fmt.Sprintf("%d more %s warnings not shown", n-maxWarnings, kind))
		}
	}
	sort.Slice(w.a.Files, func(i, j int) bool {
		if w.a.Files[i].Path != w.a.Files[j].Path {
			return w.a.Files[i].Path < w.a.Files[j].Path
		}
		return w.a.Files[i].Analyzer < w.a.Files[j].Analyzer
	})
	return w.a, nil
}

// errStop ends the walk early (file limit); it is not reported as an error.
var errStop = errors.New("walk stopped")

type walker struct {
	ctx       context.Context
	root      *os.Root
	opts      Options
	analyzers []analyzer.Analyzer
	a         *layer.Analysis
	// skip maps directories (relative to the root) to why they are not
	// walked.
	skip   map[string]string
	globs  []string
	warned map[string]int
}

func (w *walker) warn(kind, msg string) {
	w.warned[kind]++
	if w.warned[kind] <= maxWarnings {
		w.emit(msg)
	}
}

func (w *walker) emit(msg string) {
	if w.opts.Warn != nil {
		w.opts.Warn(msg)
	}
}

func (w *walker) skipped(rel string) bool {
	if _, ok := w.skip[rel]; ok {
		return true
	}
	for _, g := range w.globs {
		if ok, _ := path.Match(g, "/"+rel); ok {
			return true
		}
	}
	return false
}

// dir walks one directory. Symlinks are never followed: entries are typed
// by lstat (ReadDir), and directories are opened through the os.Root,
// which also refuses a directory swapped for an escaping symlink meanwhile.
func (w *walker) dir(rel string, depth int) error {
	f, err := w.root.Open(rel)
	if err != nil {
		w.warn("unreadable", fmt.Sprintf("directory /%s not scanned: %v", relName(rel), unwrapPath(err)))
		return nil
	}
	// os.Root follows a final symlink that stays inside the root: a
	// directory swapped for one since its parent was read is left alone.
	if st, err := f.Stat(); err != nil || !st.IsDir() {
		f.Close()
		return nil
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		w.warn("unreadable", fmt.Sprintf("directory /%s not fully scanned: %v", relName(rel), unwrapPath(err)))
		// ReadDir returns what it read before the error.
	}
	for _, d := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		child := d.Name()
		if rel != "." {
			child = rel + "/" + child
		}
		if w.a.Entries >= w.opts.MaxFiles {
			w.warn("limit", fmt.Sprintf("stopped after %d entries (the file limit): the rest of the filesystem was not scanned", w.opts.MaxFiles))
			return errStop
		}
		w.a.Entries++
		if w.opts.Progress != nil && w.a.Entries%4096 == 0 {
			w.opts.Progress(w.a.Entries)
		}
		if w.opts.onVisit != nil {
			w.opts.onVisit(child)
		}
		t := d.Type()
		switch {
		case t.IsDir():
			if w.skipped(child) {
				continue
			}
			if depth+1 >= w.opts.MaxDepth {
				w.warn("depth", fmt.Sprintf("directory /%s not scanned: deeper than %d levels", child, w.opts.MaxDepth))
				continue
			}
			if err := w.dir(child, depth+1); err != nil {
				return err
			}
		case t.IsRegular():
			if err := w.file(child, d); err != nil {
				return err
			}
		default:
			// Symlinks, FIFOs, sockets, devices: never opened. A symlink's
			// target is scanned where it really is, if inside the root.
		}
	}
	return nil
}

func relName(rel string) string {
	if rel == "." {
		return ""
	}
	return rel
}

// unwrapPath drops the *PathError's own path (relative to the os.Root,
// confusing next to the absolute one the message gives).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (w *walker) file(rel string, d fs.DirEntry) error {
	// Cheap test first, with the lstat ReadDir may already have.
	info, err := d.Info()
	if err != nil {
		return nil // removed since ReadDir: nothing to scan
	}
	mode, size := info.Mode().Perm(), info.Size()
	wanted := false
	for _, an := range w.analyzers {
		wanted = wanted || an.Wants(rel, mode, size)
	}
	if !wanted {
		return nil
	}
	if w.opts.onRead != nil {
		w.opts.onRead(rel)
	}
	// O_NONBLOCK: a regular file swapped for a FIFO since ReadDir must
	// not block the walk; O_NOFOLLOW: nor be swapped for a symlink.
	f, err := w.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		w.warn("unreadable", fmt.Sprintf("file /%s not scanned: %v", rel, unwrapPath(err)))
		return nil
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil
	}
	// A live file may grow after the lstat: AnalyzeFile reads at most one
	// byte past the analyzers' limit, never unbounded.
	files, n, err := layer.AnalyzeFile(w.ctx, w.analyzers, rel, mode, size, f)
	w.a.Bytes += n
	if err != nil {
		if ctxErr := w.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		w.warn("unreadable", fmt.Sprintf("file /%s not scanned: %v", rel, unwrapPath(err)))
		return nil
	}
	w.a.Files = append(w.a.Files, files...)
	return nil
}

var procRoot = regexp.MustCompile(`^/proc/([0-9]+|self)/root$`)

// mountsUnder returns the mounts under root that must not be walked,
// relative to root, with the reason. For root "/proc/PID/root" (a host
// reached from a container started with --pid=host) the mounts are that
// process's, from /proc/PID/mountinfo, whose paths are relative to its
// root; otherwise they are ours, and only those under root count.
func mountsUnder(root string) (map[string]string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	abs = filepath.Clean(abs)
	info := "/proc/self/mountinfo"
	relative := false
	if m := procRoot.FindStringSubmatch(abs); m != nil {
		info, relative = "/proc/"+m[1]+"/mountinfo", true
	} else if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	b, err := readBounded(info, maxMountinfo)
	if err != nil {
		return nil, err
	}
	mounts, err := ParseMountinfo(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", info, err)
	}
	out := map[string]string{}
	for _, m := range mounts {
		var rel string
		switch {
		case relative:
			rel = strings.TrimPrefix(m.Point, "/")
		case abs == "/":
			rel = strings.TrimPrefix(m.Point, "/")
		case m.Point == abs:
			rel = ""
		case strings.HasPrefix(m.Point, abs+"/"):
			rel = strings.TrimPrefix(m.Point, abs+"/")
		default:
			continue
		}
		if rel == "" {
			continue // the root itself is what was asked for
		}
		if skip, why := skipMount(rel, m.FSType); skip {
			out[rel] = why
		} else {
			// A later mount over the same point hides the earlier one.
			delete(out, rel)
		}
	}
	return out, nil
}

// readBounded reads a (proc) file of unknown size up to limit bytes.
func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is over %d bytes", name, limit)
	}
	return b, nil
}
