package chaos_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// writeGzipMembers writes a gzip layer file holding a tar with one
// size-byte file of zeros named name: a header member, one 1 MiB-of-zeros
// member repeated (so a gigabyte costs about a megabyte), the tar's end.
func writeGzipBomb(t *testing.T, path, name string, size int64) {
	t.Helper()
	member := func(b []byte) []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(b)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	var hdr bytes.Buffer
	if err := tar.NewWriter(&hdr).WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.Write(member(hdr.Bytes()))
	zeros := member(make([]byte, 1<<20))
	for range size >> 20 {
		out.Write(zeros)
	}
	out.Write(member(make([]byte, 1024))) // end-of-archive blocks
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeManyFiles writes a gzip layer of n small files.
func writeManyFiles(t *testing.T, path string, n int) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for i := range n {
		body := fmt.Appendf(nil, "%d\n", i)
		if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("srv/d%03d/f%06d", i%1000, i), Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestScanHostileImageBoundedMemory scans, through the real CLI process,
// a docker-archive whose layers are the Alpine root filesystem, a 1 GiB
// gzip bomb (about 1 MB stored), a second bomb posing as the dpkg database
// and a 100,000-file layer. The scan must produce a report with Alpine's
// packages (the bombs do not hide the rest of the image), a warning about
// the database it could not read, and the process's
// peak resident memory, read from the kernel's rusage, must stay under
// 400 MB: far below what holding any bomb would need, generous against
// the few tens of MB a scan uses.
func TestScanHostileImageBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and inflates gigabytes")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	bomb, dbBomb, many := filepath.Join(dir, "bomb.tar.gz"), filepath.Join(dir, "dbbomb.tar.gz"), filepath.Join(dir, "many.tar.gz")
	writeGzipBomb(t, bomb, "usr/share/zeros.bin", 1<<30)
	writeGzipBomb(t, dbBomb, "var/lib/dpkg/status", 1<<30)
	writeManyFiles(t, many, 100_000)
	var layers []imagebuild.Layer
	for _, p := range []string{testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"), bomb, dbBomb, many} {
		l, err := imagebuild.FromFile(p)
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, imagebuild.Layer{Layer: l, CreatedBy: filepath.Base(p)})
	}
	img, err := imagebuild.Image(layers...)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "hostile.tar")
	tag, err := name.NewTag("hostile/image:1")
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(archive)
	if err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "scan", "-q", "--skip-db", "--no-cache", "--timeout", "5m", "--format", "json", "docker-archive:"+archive)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("scan: %v\n%s", err, stderr.String())
	}
	elapsed := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	maxRSS := ru.Maxrss << 10 // KiB on Linux
	var rep report.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("report: %v", err)
	}
	if rep.OS == nil || rep.OS.ID != "alpine" || len(rep.Packages) < 10 {
		t.Fatalf("report: OS %+v, %d packages; want Alpine and its packages", rep.OS, len(rep.Packages))
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || bytes.Contains([]byte(w), []byte("var/lib/dpkg/status"))
	}
	if !warned {
		t.Errorf("no warning about the oversized var/lib/dpkg/status: %q", rep.Warnings)
	}
	t.Logf("CHAOS hostile-image: archive=%d bytes inflated>=%d bytes files=100000 packages=%d max_rss=%d MiB time=%v",
		fi.Size(), int64(2<<30), len(rep.Packages), maxRSS>>20, elapsed.Round(time.Millisecond))
	if maxRSS > 400<<20 {
		t.Errorf("peak resident memory %d MiB, want under 400 MiB", maxRSS>>20)
	}
}
