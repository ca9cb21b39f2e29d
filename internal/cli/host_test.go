package cli

import (
	"archive/tar"
	"io"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// extractRootfs unpacks a root filesystem tarball into a new directory,
// through an os.Root so that no entry lands outside it.
func extractRootfs(t *testing.T, tarball string) string {
	t.Helper()
	dir := t.TempDir()
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	testutil.WalkTarGz(t, tarball, func(name string, hdr *tar.Header, rd io.Reader) bool {
		if name == "" {
			return true
		}
		var err error
		switch hdr.Typeflag {
		case tar.TypeDir:
			err = r.MkdirAll(name, 0o755)
		case tar.TypeReg:
			var f *os.File
			if f, err = r.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(hdr.Mode)&0o755|0o600); err == nil {
				_, err = io.Copy(f, rd)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
		case tar.TypeSymlink:
			err = r.Symlink(hdr.Linkname, name)
		case tar.TypeLink:
			err = r.Link(path.Clean("/" + hdr.Linkname)[1:], name)
		}
		if err != nil {
			t.Fatalf("extracting %s: %v", name, err)
		}
		return true
	})
	return dir
}

// TestHostScan scans an extracted Alpine root as a host: the findings must
// be the answer list's, as for the same root scanned as an image, through
// both command spellings.
func TestHostScan(t *testing.T) {
	root := extractRootfs(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	db := alpineDB(t)
	for _, args := range [][]string{
		{"host", "--root", root, "--db", db, "-f", "json", "-q"},
		{"scan", "host", "--root", root, "--db", db, "-f", "json", "-q"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			res := runCLI(t, nil, args...)
			if res.code != ExitOK {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			rep := decode(t, res.stdout)
			if rep.Image != nil || rep.Host == nil || rep.Host.Root != root {
				t.Errorf("image %+v, host %+v", rep.Image, rep.Host)
			}
			if rep.OS == nil || rep.OS.ID != "alpine" {
				t.Errorf("OS %+v", rep.OS)
			}
			checkAnswers(t, rep.Vulnerabilities)
		})
	}
	// The table needs no image either.
	if res := runCLI(t, nil, "host", "--root", root, "--skip-db", "-q"); res.code != ExitOK || !strings.Contains(res.stdout, "packages") {
		t.Errorf("table: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// A database without Alpine data: incomplete, and the message names
	// the host.
	res := runCLI(t, nil, "host", "--root", root, "--db", goOnlyDB(t), "-q")
	if res.code != ExitIncomplete || !strings.Contains(res.stderr, "host "+root) {
		t.Errorf("incomplete scan: exit %d, stderr %q", res.code, res.stderr)
	}
	for _, args := range [][]string{
		{"host", "extra"},
		{"scan", "host", "--root", root, "--bogus"},
		{"host", "--root", root, "--skip-db", "-f", "nope"},
	} {
		if res := runCLI(t, nil, args...); res.code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", args, res.code, ExitUsage, res.stderr)
		}
	}
	if res := runCLI(t, nil, "host", "--root", root+"/missing", "--skip-db", "-q"); res.code != ExitError {
		t.Errorf("missing root: exit %d, want %d", res.code, ExitError)
	}
	// Standard error is not a terminal here: no progress redrawn with
	// carriage returns (a log would get one endless line), one summary
	// line instead (issue #22; the old code wrote "\rwalked N entries").
	res = runCLI(t, nil, "host", "--root", root, "--skip-db", "-f", "json")
	if res.code != ExitOK || strings.Contains(res.stderr, "\r") {
		t.Errorf("progress off a terminal: exit %d, stderr %q", res.code, res.stderr)
	}
	if lines := strings.Split(strings.TrimSpace(res.stderr), "\n"); len(lines) != 1 ||
		!strings.HasPrefix(lines[0], "host "+root+": walked ") || !strings.Contains(lines[0], " packages, in ") ||
		!strings.Contains(lines[0], "not walked: /var/cache: download cache (--caches walks it)") {
		t.Errorf("want one summary line on stderr, got %q", res.stderr)
	}
}
