package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/gobinary"
	"github.com/scanfleet/scanfleet/internal/analyzer/java"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// maxCmdline bounds the command line read per process (Linux allows up to
// ARG_MAX, 2 MiB by default; Java class paths are the long ones).
const maxCmdline = 1 << 20

// maxShownCommand bounds the command line kept in a report entry.
const maxShownCommand = 200

// maxProcesses bounds the processes inspected.
const maxProcesses = 100_000

// process is one running process.
type process struct {
	pid  int
	exe  string   // readlink of /proc/PID/exe, in the process's mount namespace
	args []string // argv
}

// String is "PID COMMAND": the program as the process names itself
// (argv[0], else the executable), without the arguments, which may hold
// secrets (passwords passed on command lines) that must not travel in a
// report.
func (p process) String() string {
	cmd := p.exe
	if len(p.args) > 0 {
		cmd = p.args[0]
	}
	return strconv.Itoa(p.pid) + " " + truncate(cmd, maxShownCommand)
}

// fileID identifies a file across paths and mount namespaces.
type fileID struct{ dev, ino uint64 }

func idOf(fi os.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	// Dev is uint64 on amd64 but not on every architecture.
	return fileID{uint64(st.Dev), st.Ino}, true
}

// listProcesses reads procDir's numeric entries. Processes that end
// meanwhile, kernel threads (no exe) and those we may not inspect are left
// out: there is nothing to scan in them.
func listProcesses(ctx context.Context, procDir string) ([]process, error) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	var out []process
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		if len(out) >= maxProcesses {
			break
		}
		dir := filepath.Join(procDir, e.Name())
		exe, err := os.Readlink(filepath.Join(dir, "exe"))
		if err != nil {
			continue
		}
		cmd, _ := readBounded(filepath.Join(dir, "cmdline"), maxCmdline)
		var args []string
		for a := range strings.SplitSeq(strings.TrimRight(string(cmd), "\x00"), "\x00") {
			if a != "" {
				args = append(args, a)
			}
		}
		out = append(out, process{pid: pid, exe: exe, args: args})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pid < out[j].pid })
	return out, nil
}

// procFile is one executable or archive used by processes.
type procFile struct {
	// rel is the file's path in the process's namespace, relative, as
	// report paths are.
	rel string
	// open is where to read it: through /proc, which reaches the process's
	// own mount namespace and even deleted files.
	open  string
	kind  string // "exe" or "jar"
	procs []process
}

// jarArgs returns the Java archives named on a command line: the -jar
// argument and the entries of -cp/-classpath/--class-path ending in an
// archive extension. Wildcard class path entries ("lib/*") are not
// expanded: reading a process's directory listing is beyond this check.
func jarArgs(args []string) []string {
	if len(args) == 0 || !strings.HasPrefix(path.Base(args[0]), "java") {
		return nil
	}
	var out []string
	for i := 1; i < len(args); i++ {
		switch args[i] {
		case "-jar", "-cp", "-classpath", "--class-path":
			if i+1 < len(args) {
				for e := range strings.SplitSeq(args[i+1], ":") {
					if isJar(e) {
						out = append(out, e)
					}
				}
				i++
			}
		}
	}
	return out
}

func isJar(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".jar" || ext == ".war" || ext == ".ear"
}

var deletedSuffix = regexp.MustCompile(` \(deleted\)$`)

// processPackages finds the Go binaries and Java archives that running
// processes use, and either annotates the packages the walk already found
// in them (same file: same device and inode under root) or reports them as
// new packages: a process may run a file outside the scanned root (another
// mount namespace, a skipped directory) or a file deleted since it started.
// Files an OS package installed are left to that package's advisories, and
// files the walk already read are not read again. walked lists the paths
// the walk analysed.
// pkgs is modified in place and returned with the additions.
func processPackages(ctx context.Context, root *os.Root, procDir string, pkgs []report.Package, owner func(rel string) string, walked map[string]bool, warn func(string)) ([]report.Package, error) {
	procs, err := listProcesses(ctx, procDir)
	if err != nil {
		return pkgs, err
	}
	files := map[fileID]*procFile{}
	var order []fileID
	add := func(id fileID, f procFile, p process) {
		pf, ok := files[id]
		if !ok {
			pf = &f
			files[id] = pf
			order = append(order, id)
		}
		pf.procs = append(pf.procs, p)
	}
	for _, p := range procs {
		dir := filepath.Join(procDir, strconv.Itoa(p.pid))
		exeLink := filepath.Join(dir, "exe")
		if fi, err := os.Stat(exeLink); err == nil {
			if id, ok := idOf(fi); ok {
				rel := strings.TrimPrefix(path.Clean(deletedSuffix.ReplaceAllString(p.exe, "")), "/")
				add(id, procFile{rel: rel, open: exeLink, kind: "exe"}, p)
			}
		}
		for _, j := range jarArgs(p.args) {
			abs := j
			if !path.IsAbs(j) {
				cwd, err := os.Readlink(filepath.Join(dir, "cwd"))
				if err != nil {
					continue
				}
				abs = path.Join(cwd, j)
			}
			open := filepath.Join(dir, "root", filepath.FromSlash(abs))
			fi, err := os.Stat(open)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			if id, ok := idOf(fi); ok {
				add(id, procFile{rel: strings.TrimPrefix(path.Clean(abs), "/"), open: open, kind: "jar"}, p)
			}
		}
	}

	byPath := map[string][]int{}
	for i, p := range pkgs {
		file, _, _ := strings.Cut(p.Path, "!/")
		byPath[file] = append(byPath[file], i)
	}
	for _, id := range order {
		if err := ctx.Err(); err != nil {
			return pkgs, err
		}
		f := files[id]
		users := make([]string, len(f.procs))
		for i, p := range f.procs {
			users[i] = p.String()
		}
		onDisk := false
		if fi, err := root.Lstat(f.rel); err == nil {
			if did, ok := idOf(fi); ok && did == id {
				onDisk = true
			}
		}
		if onDisk {
			if idx := byPath[f.rel]; len(idx) > 0 {
				for _, i := range idx {
					pkgs[i].Processes = append(pkgs[i].Processes, users...)
				}
				continue
			}
			// Read by the walk and found to hold nothing, or installed by
			// an OS package: nothing to add.
			if walked[f.rel] || owner(f.rel) != "" {
				continue
			}
		}
		found, err := analyzeProcFile(ctx, f)
		if err != nil {
			warn(fmt.Sprintf("/%s (used by process %s): %v", f.rel, users[0], err))
		}
		for _, p := range found {
			p.Processes = users
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, nil
}

// analyzeProcFile reads one process file, the header first for
// executables (most are not Go), bounded by the analyzer's size cap.
func analyzeProcFile(ctx context.Context, f *procFile) ([]report.Package, error) {
	var an analyzer.Analyzer = java.New()
	if f.kind == "exe" {
		an = gobinary.New()
	}
	fh, err := os.OpenFile(f.open, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, err
	}
	files, _, err := layer.AnalyzeFileAt(ctx, []analyzer.Analyzer{an}, f.rel, fi.Mode().Perm(), fi.Size(), fh)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, nil
	}
	res := files[0].Result
	if files[0].Err != "" {
		err = errors.New(files[0].Err)
	}
	if res == nil {
		return nil, err
	}
	for i := range res.Packages {
		if res.Packages[i].Path == "" {
			res.Packages[i].Path = f.rel
		}
	}
	return res.Packages, err
}
