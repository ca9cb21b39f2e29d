package layer_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
)

// heapPeak samples the live heap while fn runs and returns the highest
// value seen above the level before it: how much memory a walk needed,
// measured rather than assumed.
func heapPeak(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > base && ms.HeapInuse-base > peak.Load() {
				peak.Store(ms.HeapInuse - base)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// gzMember gzips b as one gzip member; members concatenate into one valid
// gzip stream.
func gzMember(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tarHeader(t *testing.T, hdr *tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(hdr); err != nil {
		t.Fatal(err)
	}
	// WriteHeader has written the header block; the body follows
	// separately, so the writer is abandoned rather than flushed.
	return buf.Bytes()
}

// zeroBomb is a gzip layer of about size/1000 bytes holding one file of
// size zero bytes named name, then an os-release: one gzip member of the
// tar header, the same 1 MiB-of-zeros member repeated, and a member with
// the rest of the archive.
func zeroBomb(t *testing.T, name string, size int64) []byte {
	t.Helper()
	const chunk = 1 << 20
	if size%chunk != 0 {
		t.Fatal("size must be a multiple of 1 MiB")
	}
	var out bytes.Buffer
	out.Write(gzMember(t, tarHeader(t, &tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg})))
	zeros := gzMember(t, make([]byte, chunk))
	for range size / chunk {
		out.Write(zeros)
	}
	var tail bytes.Buffer
	tw := tar.NewWriter(&tail)
	osr := []byte("ID=alpine\nVERSION_ID=3.20.3\n")
	if err := tw.WriteHeader(&tar.Header{Name: "etc/os-release", Mode: 0o644, Size: int64(len(osr))}); err != nil {
		t.Fatal(err)
	}
	_, _ = tw.Write(osr)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Write(gzMember(t, tail.Bytes()))
	return out.Bytes()
}

// sparseBomb is an uncompressed tar with an old-GNU sparse entry that
// claims logical bytes of which only the last 512 are stored, then an
// os-release. archive/tar cannot write sparse entries, so the header is
// built by hand (GNU tar's format: sparse map at offset 386, real size at
// 483).
func sparseBomb(t *testing.T, name string, logical int64) []byte {
	t.Helper()
	h := make([]byte, 512)
	copy(h[0:], name)
	octal := func(b []byte, v int64) { copy(b, fmt.Sprintf("%0*o\x00", len(b)-1, v)) }
	octal(h[100:108], 0o644)
	octal(h[108:116], 0)
	octal(h[116:124], 0)
	octal(h[124:136], 512) // stored bytes
	octal(h[136:148], 0)
	h[156] = 'S'
	copy(h[257:265], "ustar  \x00")
	octal(h[386:398], logical-512) // the one stored region: offset
	octal(h[398:410], 512)         // and length
	octal(h[483:495], logical)     // real size
	copy(h[148:156], "        ")
	var sum int64
	for _, c := range h {
		sum += int64(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	var out bytes.Buffer
	out.Write(h)
	out.Write(bytes.Repeat([]byte{'x'}, 512))
	tw := tar.NewWriter(&out)
	osr := []byte("ID=alpine\nVERSION_ID=3.20.3\n")
	if err := tw.WriteHeader(&tar.Header{Name: "etc/os-release", Mode: 0o644, Size: int64(len(osr))}); err != nil {
		t.Fatal(err)
	}
	_, _ = tw.Write(osr)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func fileOf(a *layer.Analysis, p, analyzer string) *layer.File {
	for i := range a.Files {
		if a.Files[i].Path == p && a.Files[i].Analyzer == analyzer {
			return &a.Files[i]
		}
	}
	return nil
}

// Decompression and sparse bombs: a layer of about a megabyte that
// expands to a gigabyte, and a tar entry claiming 10 GiB with 512 bytes
// stored. Files nobody wants are skipped at the cost of reading their
// stored bytes; a wanted file over its analyzer's cap is recorded as such
// and not read; the rest of the layer is still analysed; the walker's
// limit stops the expansion with ErrTooLarge. Memory stays far below the
// expanded size.
func TestWalkBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("inflates a gigabyte")
	}
	const gib = 1 << 30
	for _, tc := range []struct {
		name     string
		layer    func() []byte
		maxBytes int64
		wantErr  error
		capped   string // a wanted path that must be reported as over its cap
		minBytes int64  // uncompressed bytes the walk must have seen
	}{
		{name: "1 GiB of zeros in an unwanted file, gzip", layer: func() []byte { return zeroBomb(t, "usr/share/zeros.bin", gib) }, minBytes: gib},
		{name: "1 GiB of zeros as the dpkg database, gzip", layer: func() []byte { return zeroBomb(t, "var/lib/dpkg/status", gib) }, capped: "var/lib/dpkg/status", minBytes: gib},
		{name: "gzip bomb past the walker's limit", layer: func() []byte { return zeroBomb(t, "usr/share/zeros.bin", gib) }, maxBytes: 64 << 20, wantErr: layer.ErrTooLarge},
		{name: "10 GiB sparse file, unwanted", layer: func() []byte { return sparseBomb(t, "usr/share/sparse.bin", 10*gib) }},
		{name: "10 GiB sparse file as the apk database", layer: func() []byte { return sparseBomb(t, "lib/apk/db/installed", 10*gib) }, capped: "lib/apk/db/installed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.layer()
			w := &layer.Walker{Analyzers: all.Analyzers(), MaxBytes: tc.maxBytes}
			var a *layer.Analysis
			var err error
			peak := heapPeak(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				a, err = w.Analyze(ctx, bytes.NewReader(raw))
			})
			t.Logf("%d-byte layer: heap peak %d MiB", len(raw), peak>>20)
			// Generous: the walker's buffers are a few MiB; the bomb is
			// 1-10 GiB. A walk that held the file would blow far past this.
			if peak > 200<<20 {
				t.Errorf("heap grew by %d MiB", peak>>20)
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Bytes < tc.minBytes {
				t.Errorf("walked %d uncompressed bytes, want at least %d: the bomb was not inflated", a.Bytes, tc.minBytes)
			}
			if f := fileOf(a, "etc/os-release", "osrelease"); f == nil || f.Result == nil || f.Err != "" {
				t.Errorf("os-release after the bomb not analysed: %+v", f)
			}
			if tc.capped != "" {
				var f *layer.File
				for i := range a.Files {
					if a.Files[i].Path == tc.capped {
						f = &a.Files[i]
					}
				}
				if f == nil || !strings.Contains(f.Err, "limit") || f.Result != nil {
					t.Errorf("%s: %+v, want an over-the-limit error and no result", tc.capped, f)
				}
			}
		})
	}
}

// Hostile names and links: entries that climb out of the root, absolute
// names, links that loop or point outside. Nothing is followed (the walker
// never resolves links), every recorded path stays inside the root, a
// wanted path turned into a link is recorded as replaced, and the walk
// ends.
func TestWalkPathEscapesAndLinkLoops(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	osr := []byte("ID=alpine\nVERSION_ID=3.20.3\n")
	add := func(h *tar.Header, body []byte) {
		t.Helper()
		h.Mode, h.Size = 0o644, int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	add(&tar.Header{Name: "../../../../etc/os-release", Typeflag: tar.TypeReg}, osr)
	add(&tar.Header{Name: "/usr/../../../lib/apk/db/../db/installed", Typeflag: tar.TypeReg}, []byte("P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n\n"))
	add(&tar.Header{Name: "../../.wh.opt", Typeflag: tar.TypeReg}, nil)
	add(&tar.Header{Name: "loop/a", Typeflag: tar.TypeSymlink, Linkname: "b"}, nil)
	add(&tar.Header{Name: "loop/b", Typeflag: tar.TypeSymlink, Linkname: "a"}, nil)
	add(&tar.Header{Name: "loop/self", Typeflag: tar.TypeSymlink, Linkname: "self"}, nil)
	add(&tar.Header{Name: "var/lib/dpkg/status", Typeflag: tar.TypeSymlink, Linkname: "../../../../../../etc/shadow"}, nil)
	add(&tar.Header{Name: "usr/lib/os-release", Typeflag: tar.TypeSymlink, Linkname: "/usr/lib/os-release"}, nil)
	add(&tar.Header{Name: "hard", Typeflag: tar.TypeLink, Linkname: "../../../../etc/passwd"}, nil)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	w := &layer.Walker{Analyzers: all.Analyzers()}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	a, err := w.Analyze(ctx, bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range a.Files {
		paths = append(paths, f.Path)
	}
	paths = append(append(append(paths, a.Whiteouts...), a.Replaced...), a.Opaque...)
	for _, p := range paths {
		if strings.HasPrefix(p, "/") || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") {
			t.Errorf("path %q escapes the root", p)
		}
	}
	if f := fileOf(a, "etc/os-release", "osrelease"); f == nil || f.Result == nil {
		t.Errorf("../../../../etc/os-release not analysed at etc/os-release: %+v", a.Files)
	}
	if f := fileOf(a, "lib/apk/db/installed", "apk"); f == nil || f.Result == nil || len(f.Result.Packages) != 1 {
		t.Errorf("the apk database under a climbing name not analysed at lib/apk/db/installed: %+v", f)
	}
	for _, want := range []string{"var/lib/dpkg/status", "usr/lib/os-release"} {
		found := false
		for _, r := range a.Replaced {
			found = found || r == want
		}
		if !found {
			t.Errorf("%s turned into a link is not recorded as replaced: %v", want, a.Replaced)
		}
	}
	if len(a.Whiteouts) != 1 || a.Whiteouts[0] != "opt" {
		t.Errorf("whiteouts %v, want [opt]", a.Whiteouts)
	}
}

// A layer of 100,000 files, one in ten of them a package.json the node
// analyzer parses: every entry is counted, every manifest reported, and
// memory grows with the results kept, not with the layer.
func TestWalkHundredThousandFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 100,000-entry layer")
	}
	const n = 100_000
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for i := range n {
		name, body := fmt.Sprintf("srv/d%03d/f%06d.txt", i%1000, i), []byte("x")
		if i%10 == 0 {
			name = fmt.Sprintf("app/node_modules/p%06d/package.json", i)
			body = fmt.Appendf(nil, `{"name":"p%06d","version":"1.0.%d"}`, i, i)
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	w := &layer.Walker{Analyzers: all.Analyzers()}
	var a *layer.Analysis
	var err error
	peak := heapPeak(func() { a, err = w.Analyze(t.Context(), bytes.NewReader(buf.Bytes())) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d entries (%d-byte layer, %d bytes uncompressed): heap peak %d MiB", a.Entries, buf.Len(), a.Bytes, peak>>20)
	if a.Entries != n {
		t.Errorf("%d entries, want %d", a.Entries, n)
	}
	pkgs := 0
	for _, f := range a.Files {
		if f.Err != "" {
			t.Fatalf("%s: %s", f.Path, f.Err)
		}
		if f.Result != nil {
			pkgs += len(f.Result.Packages)
		}
	}
	if pkgs != n/10 {
		t.Errorf("%d packages, want %d", pkgs, n/10)
	}
	if peak > 300<<20 {
		t.Errorf("heap grew by %d MiB", peak>>20)
	}
}

// Malformed package databases among good files: each bad one is recorded
// with an error that says what is wrong, the good ones beside it are
// analysed, and nothing panics.
func TestWalkMalformedDatabases(t *testing.T) {
	osr := "ID=debian\nVERSION_ID=12\n"
	goodDpkg := "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n\n"
	for _, tc := range []struct {
		path, content string
		// wantErr: the file must carry an error; else it must parse (a
		// lenient parser may keep the good part).
		wantErr bool
	}{
		{"var/lib/rpm/rpmdb.sqlite", "SQLite format 3\x00" + strings.Repeat("\xff", 4000), true},
		{"var/lib/rpm/Packages", strings.Repeat("\x00\x01\x02\x03", 2048), true},
		{"var/lib/rpm/Packages.db", "NDB\x00garbage", true},
		{"var/lib/dpkg/status", goodDpkg + "Package: broken\nStatus: install ok installed\n Version continuation without field\n\x00\x00\n\n", false},
		{"lib/apk/db/installed", "P:musl\nV:1.2.5-r0\n\nP:\nV:\n\x00garbage\n", false},
		{"usr/lib/os-release", strings.Repeat("A", 70<<10), true}, // over the analyzer's 64 KiB cap
	} {
		t.Run(tc.path, func(t *testing.T) {
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			for _, f := range []struct{ name, body string }{{"etc/os-release", osr}, {tc.path, tc.content}} {
				if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body))}); err != nil {
					t.Fatal(err)
				}
				_, _ = io.WriteString(tw, f.body)
			}
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			w := &layer.Walker{Analyzers: all.Analyzers()}
			a, err := w.Analyze(t.Context(), bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("the walk failed: %v (a bad file must not fail the layer)", err)
			}
			if f := fileOf(a, "etc/os-release", "osrelease"); f == nil || f.Result == nil {
				t.Error("the good os-release beside it was not analysed")
			}
			var f *layer.File
			for i := range a.Files {
				if a.Files[i].Path == tc.path {
					f = &a.Files[i]
				}
			}
			if f == nil {
				t.Fatalf("%s not recorded", tc.path)
			}
			switch {
			case tc.wantErr && (f.Err == "" || strings.Contains(f.Err, "panic")):
				t.Errorf("error %q, want a clear parse error", f.Err)
			case !tc.wantErr && f.Err != "":
				t.Errorf("error %q, want the good part kept", f.Err)
			case !tc.wantErr && (f.Result == nil || len(f.Result.Packages) == 0):
				t.Errorf("the good package beside the broken one was dropped")
			}
			t.Logf("%s: err=%q packages=%d", tc.path, f.Err, func() int {
				if f.Result == nil {
					return 0
				}
				return len(f.Result.Packages)
			}())
		})
	}
}
