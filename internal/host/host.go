// Package host scans a live root filesystem (the machine the scanner runs
// on, or a host reached from a container through /proc/1/root) with the
// same analyzers as an image layer, and produces the same layer.Analysis,
// so that inventory, matching and reports are shared with image scans.
//
// A live filesystem is not a tar stream: it has kernel pseudo filesystems
// whose files block or never end, network mounts, other containers'
// filesystems, symlinks pointing anywhere, FIFOs and unbounded depth. The
// walk therefore skips mounts by type (read from mountinfo), never follows
// a symlink (directories are opened beneath the root with openat2's
// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, files relative to their directory
// with O_NOFOLLOW), opens files non-blocking and checks they are regular
// files before reading, and bounds depth, file count and file size.
//
// The walk is parallel (a few workers share a depth-first stack of
// directories, each analysing the files of the directories it reads) and
// opens only the files an analyzer wants by path, mode and size, which it
// reads in place: an executable's headers and one section, an archive's
// directory. Only findings are kept, so memory does not grow with the
// number of files.
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
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

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
	// Caches walks package managers' download caches too (see
	// CacheDirs); by default they are skipped (and told to Skipped): what
	// a cache holds was downloaded, not installed.
	Caches bool
	// ContainerStorage walks container engines' data roots too (see
	// containerStore); by default they are skipped (and told to Skipped):
	// they hold other containers' images and filesystems, which are
	// scanned as images.
	ContainerStorage bool
	// Workers bounds the goroutines walking and analysing (0: twice
	// GOMAXPROCS, at least 4: while one waits for the disk, another
	// parses).
	Workers int
	// Analyzers default to all.Analyzers().
	Analyzers []analyzer.Analyzer
	// Progress is told the number of entries seen so far, a few times a
	// second from one goroutine, and once more at the end.
	Progress func(entries int)
	// Warn receives what was not scanned and why (unreadable directories,
	// depth and count limits, unreadable mountinfo). Calls are
	// serialised.
	Warn func(msg string)
	// Skipped is told each directory skipped by default as a cache or a
	// container engine's data root, and why: a documented choice, not a
	// problem, so not a warning. Calls are serialised.
	Skipped func(dir, why string)

	// onVisit and onRead are test hooks: every entry walked, every file
	// opened (paths relative to the root). Calls are serialised.
	onVisit func(rel string)
	onRead  func(rel string)
	// onWorker runs first in each worker goroutine (tests drop privileges
	// there).
	onWorker func()
	// noOpenat2 makes the walk resolve directories one component at a
	// time, as on kernels without openat2 (before Linux 5.6).
	noOpenat2 bool
}

// CacheDirs describes the download caches a host walk skips unless
// Options.Caches is set, matched against directory paths inside the root
// ("*" is one path element, a leading "**/" any number of them). A Go
// module cache is recognised by its cache/download directory wherever
// GOMODCACHE points (see isGoModCache).
var CacheDirs = []string{
	"**/go/pkg/mod",      // Go module cache (GOMODCACHE), sources of every module downloaded
	"**/.cache",          // XDG cache: Go build cache, pip, yarn, trivy's own, ...
	"**/.npm",            // npm's download cache (_cacache)
	"**/.cargo/registry", // Cargo's downloaded crates and their sources
	"**/.m2/repository",  // Maven's local repository
	"**/.gradle/caches",  // Gradle's caches
	"**/.nuget/packages", // NuGet's global packages folder
	"var/cache",          // system caches (apt's downloaded .deb files)
}

// Analyze walks the filesystem at root and returns what the analyzers
// found, in the shape a layer gives, so that
// inventory.Merge([]*layer.Analysis{a}, ...) yields the inventory. Limits
// reached and unreadable parts are reported through opts.Warn, not as
// errors: a partial scan of a host says what it missed. Errors are for a
// root that cannot be opened and for cancellation.
//
// Files is kept to what matters on a single tree: files where an analyzer
// found something or failed. (An image layer also records wanted files
// that hold nothing, because they hide lower layers' files; a host has no
// lower layer.) Memory therefore grows with what is found, not with the
// number of files walked.
func Analyze(ctx context.Context, root string, opts Options) (*layer.Analysis, error) {
	rootFD, err := openRoot(root)
	if err != nil {
		return nil, fmt.Errorf("host root %s: %w", root, err)
	}
	defer unix.Close(rootFD)
	w := &walker{
		rootFD:    rootFD,
		opts:      opts,
		analyzers: opts.Analyzers,
		a:         &layer.Analysis{},
		skip:      map[string]string{},
		warned:    map[string]int{},
		openat2:   !opts.noOpenat2 && probeOpenat2(rootFD),
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
	workers := w.opts.Workers
	if workers <= 0 {
		workers = max(4, 2*runtime.GOMAXPROCS(0))
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
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w.cond = sync.NewCond(&w.qmu)
	w.stack = []task{{rel: "."}}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if w.opts.onWorker != nil {
				w.opts.onWorker()
			}
			w.work(ctx)
		}()
	}
	progressDone := make(chan struct{})
	if opts.Progress != nil {
		go func() {
			defer close(progressDone)
			t := time.NewTicker(250 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					opts.Progress(int(w.entries.Load()))
				}
			}
		}()
	} else {
		close(progressDone)
	}
	wg.Wait()
	cancel()
	<-progressDone
	if w.err != nil && !errors.Is(w.err, errStop) {
		return nil, w.err
	}
	w.a.Entries = int(min(w.entries.Load(), int64(w.opts.MaxFiles)))
	w.a.Bytes = w.bytes.Load()
	if opts.Progress != nil {
		opts.Progress(w.a.Entries)
	}
	for kind, n := range w.warned {
		if n > maxWarnings {
			w.emit(fmt.Sprintf("%d more %s warnings not shown", n-maxWarnings, kind))
		}
	}
	// Workers finish files in any order: sort for a deterministic result.
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

// task is a directory to read, relative to the root.
type task struct {
	rel   string
	depth int
}

type walker struct {
	rootFD    int
	openat2   bool
	opts      Options
	analyzers []analyzer.Analyzer
	// skip maps directories (relative to the root) to why they are not
	// walked.
	skip  map[string]string
	globs []string

	entries atomic.Int64
	bytes   atomic.Int64

	// mu guards a, warned and the calls to the hooks and to Warn.
	mu     sync.Mutex
	a      *layer.Analysis
	warned map[string]int

	// The directories left to read form a stack shared by the workers:
	// last in, first out keeps the walk depth-first, so what waits is the
	// siblings along the current paths, not a whole level of the tree.
	qmu   sync.Mutex
	cond  *sync.Cond
	stack []task
	busy  int
	err   error // the first error; set, it stops every worker
}

// work reads directories until none is left, or the walk stops.
func (w *walker) work(ctx context.Context) {
	for {
		w.qmu.Lock()
		for len(w.stack) == 0 && w.busy > 0 && w.err == nil {
			w.cond.Wait()
		}
		if w.err != nil || len(w.stack) == 0 {
			w.qmu.Unlock()
			w.cond.Broadcast()
			return
		}
		t := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		w.busy++
		w.qmu.Unlock()

		subdirs, err := w.dir(ctx, t)

		w.qmu.Lock()
		w.busy--
		if err != nil && w.err == nil {
			w.err = err
		}
		for i := len(subdirs) - 1; i >= 0; i-- {
			w.stack = append(w.stack, subdirs[i])
		}
		w.qmu.Unlock()
		w.cond.Broadcast()
	}
}

func (w *walker) warn(kind, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
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

func (w *walker) hook(fn func(string), rel string) {
	if fn == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	fn(rel)
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

// direntBatch bounds the entries of one directory held at a time.
const direntBatch = 1024

// dir reads one directory, analyses its wanted files and returns its
// subdirectories to walk. Symlinks are never followed: directories are
// opened beneath the root without following any symlink (openDir), files
// relative to their directory's descriptor with O_NOFOLLOW, and entries
// are typed by what the directory itself says (or lstat).
func (w *walker) dir(ctx context.Context, t task) ([]task, error) {
	fd, err := w.openDir(t.rel)
	if err != nil {
		w.warn("unreadable", fmt.Sprintf("directory /%s not scanned: %v", relName(t.rel), err))
		return nil, nil
	}
	f := os.NewFile(uintptr(fd), "/"+relName(t.rel))
	defer f.Close()
	var (
		subdirs []task
		names   []string // the subdirectories' names, to recognise stores
	)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		entries, err := f.ReadDir(direntBatch)
		for _, d := range entries {
			child := d.Name()
			if t.rel != "." {
				child = t.rel + "/" + child
			}
			if n := w.entries.Add(1); n > int64(w.opts.MaxFiles) {
				w.warn("limit", fmt.Sprintf("stopped after %d entries (the file limit): the rest of the filesystem was not scanned", w.opts.MaxFiles))
				return nil, errStop
			}
			w.hook(w.opts.onVisit, child)
			typ := d.Type()
			switch {
			case typ.IsDir():
				names = append(names, d.Name())
				if w.skipped(child) {
					continue
				}
				if t.depth+1 >= w.opts.MaxDepth {
					w.warn("depth", fmt.Sprintf("directory /%s not scanned: deeper than %d levels", child, w.opts.MaxDepth))
					continue
				}
				subdirs = append(subdirs, task{rel: child, depth: t.depth + 1})
			case typ.IsRegular():
				if err := w.file(ctx, fd, d.Name(), child); err != nil {
					return nil, err
				}
			default:
				// Symlinks, FIFOs, sockets, devices: never opened. A
				// symlink's target is scanned where it really is, if
				// inside the root.
			}
		}
		if err == io.EOF || (err == nil && len(entries) == 0) {
			break
		}
		if err != nil {
			w.warn("unreadable", fmt.Sprintf("directory /%s not fully scanned: %v", relName(t.rel), unwrapPath(err)))
			break
		}
	}
	if why := w.store(t.rel, names); why != "" {
		if w.opts.Skipped != nil {
			w.mu.Lock()
			w.opts.Skipped("/"+relName(t.rel), why)
			w.mu.Unlock()
		}
		return nil, nil
	}
	return subdirs, nil
}

// store says why the directory rel, whose subdirectories are names, is
// not walked further by default: a download cache or a container engine's
// data root. Files directly in it have been looked at already (none is
// software), its subdirectories are not.
func (w *walker) store(rel string, names []string) string {
	if !w.opts.ContainerStorage {
		if what := containerStore(names); what != "" {
			return what + " (--container-storage walks it)"
		}
	}
	if !w.opts.Caches {
		if isGoModCache(rel, names) {
			return "Go module cache (--caches walks it)"
		}
		for _, c := range CacheDirs {
			if matchCache(c, rel) {
				return "download cache (--caches walks it)"
			}
		}
	}
	return ""
}

// containerStore recognises a container engine's data root by the
// directories it holds, wherever it is (--data-root, --root): Docker's
// (image/ beside a storage driver's directory and containers/),
// containerd's (io.containerd.* plugin directories) and
// containers/storage's (Podman, CRI-O, Buildah: DRIVER-layers/).
func containerStore(names []string) string {
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
		if strings.HasPrefix(n, "io.containerd.") {
			return "containerd data root"
		}
		if strings.HasSuffix(n, "-layers") && (n == "overlay-layers" || n == "vfs-layers" || n == "btrfs-layers" || n == "zfs-layers") {
			return "containers/storage (Podman, CRI-O) data root"
		}
	}
	if has["image"] && has["containers"] {
		for _, d := range []string{"overlay2", "overlay", "vfs", "aufs", "btrfs", "zfs", "devicemapper", "fuse-overlayfs"} {
			if has[d] {
				return "Docker data root"
			}
		}
	}
	return ""
}

// isGoModCache recognises a Go module cache by its layout: a directory
// holding cache/download (checked by name here: cache/ beside module
// hosts) whose path ends in pkg/mod, GOPATH's default.
func isGoModCache(rel string, names []string) bool {
	return (rel == "pkg/mod" || strings.HasSuffix(rel, "/pkg/mod")) && slices.Contains(names, "cache")
}

// matchCache matches a CacheDirs pattern against a directory path.
func matchCache(pattern, rel string) bool {
	if tail, ok := strings.CutPrefix(pattern, "**/"); ok {
		return rel == tail || strings.HasSuffix(rel, "/"+tail)
	}
	ok, _ := path.Match(pattern, rel)
	return ok
}

func relName(rel string) string {
	if rel == "." {
		return ""
	}
	return rel
}

// unwrapPath drops the *PathError's own path (relative to the root,
// confusing next to the absolute one the message gives).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// file analyses one regular file of the directory dirFD, if an analyzer
// wants it: the lstat (path, mode and size) decides, and only then is the
// file opened. Analyzers read it in place (layer.AnalyzeFileAt): an
// executable costs its headers, an archive its directory.
func (w *walker) file(ctx context.Context, dirFD int, name, rel string) error {
	var st unix.Stat_t
	if err := ignoringEINTR(func() error { return unix.Fstatat(dirFD, name, &st, unix.AT_SYMLINK_NOFOLLOW) }); err != nil {
		return nil // removed since the directory was read: nothing to scan
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil
	}
	mode, size := fs.FileMode(st.Mode&0o777), st.Size
	wanted := false
	for _, an := range w.analyzers {
		if an.Wants(rel, mode, size) {
			wanted = true
			break
		}
	}
	if !wanted {
		return nil
	}
	w.hook(w.opts.onRead, rel)
	// O_NONBLOCK: a regular file swapped for a FIFO since the lstat must
	// not block the walk; O_NOFOLLOW: nor be swapped for a symlink.
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Openat(dirFD, name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		w.warn("unreadable", fmt.Sprintf("file /%s not scanned: %v", rel, err))
		return nil
	}
	defer unix.Close(fd)
	if err := ignoringEINTR(func() error { return unix.Fstat(fd, &st) }); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil
	}
	// The size as opened: a live file that grows since is read only that
	// far, one that shrinks ends early.
	files, n, err := layer.AnalyzeFileAt(ctx, w.analyzers, rel, mode, st.Size, fdReaderAt(fd))
	w.bytes.Add(n)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		w.warn("unreadable", fmt.Sprintf("file /%s not scanned: %v", rel, unwrapPath(err)))
		return nil
	}
	kept := files[:0]
	for _, f := range files {
		if f.Result != nil || f.Err != "" {
			kept = append(kept, f)
		}
	}
	if len(kept) > 0 {
		w.mu.Lock()
		w.a.Files = append(w.a.Files, kept...)
		w.mu.Unlock()
	}
	return nil
}

// fdReaderAt reads a file descriptor with pread, without the os.File
// machinery (poller registration) a short-lived descriptor does not need.
type fdReaderAt int

func (fd fdReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		m, err := unix.Pread(int(fd), p[n:], off+int64(n))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			return n, io.EOF
		}
		n += m
	}
	return n, nil
}

func ignoringEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}

// openRoot opens the directory to scan. The root itself may be reached
// through symlinks (it is what was asked for); nothing beneath it is.
func openRoot(root string) (int, error) {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	return fd, err
}

// openDir opens the directory rel beneath the root, refusing any symlink
// on the way (a directory swapped for a symlink since its parent was read
// is not followed out of the root). With openat2 the kernel resolves the
// whole path in one call; without (kernels before 5.6, or a seccomp
// profile that refuses it), one openat per component.
func (w *walker) openDir(rel string) (int, error) {
	const flags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	var fd int
	if w.openat2 {
		err := ignoringEINTR(func() (err error) {
			fd, err = openBeneath(w.rootFD, rel, flags)
			return err
		})
		return fd, err
	}
	fd = w.rootFD
	for _, c := range strings.Split(rel, "/") {
		next := -1
		err := ignoringEINTR(func() (err error) {
			next, err = unix.Openat(fd, c, flags, 0)
			return err
		})
		if fd != w.rootFD {
			unix.Close(fd)
		}
		if err != nil {
			return -1, err
		}
		fd = next
	}
	if fd == w.rootFD {
		return unix.Dup(fd)
	}
	return fd, nil
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
