package layer

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// lines is a minimal analyzer for these tests: it wants files under etc/
// named *.list and reports one package per line, so a test can see exactly
// which bytes reached it.
type lines struct{ max int64 }

func (lines) Name() string    { return "lines" }
func (lines) Version() string { return "1" }
func (lines) Wants(p string, _ fs.FileMode, _ int64) bool {
	return strings.HasPrefix(p, "etc/") && strings.HasSuffix(p, ".list")
}
func (l lines) MaxSize() int64 {
	if l.max == 0 {
		return 1 << 20
	}
	return l.max
}
func (lines) Analyze(_ context.Context, p string, b []byte) (*analyzer.Result, error) {
	if bytes.HasPrefix(b, []byte("BAD")) {
		return nil, fmt.Errorf("malformed")
	}
	if bytes.HasPrefix(b, []byte("PANIC")) {
		panic("boom")
	}
	var r analyzer.Result
	for _, ln := range strings.Fields(string(b)) {
		r.Packages = append(r.Packages, report.Package{Name: ln, Version: "1", Type: "test"})
	}
	return &r, nil
}

type ent struct {
	name, body, link string
	typ              byte
}

func mkTar(t testing.TB, ents []ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Typeflag: typ, Mode: 0o644, Linkname: e.link}
		if typ == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func zst(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestAnalyze(t *testing.T) {
	w := &Walker{Analyzers: []analyzer.Analyzer{lines{}}}
	tests := []struct {
		name      string
		ents      []ent
		files     map[string]string // path -> package names joined, or "!err"
		whiteouts []string
		opaque    []string
		replaced  []string
	}{
		{
			name:  "wanted files only, names cleaned",
			ents:  []ent{{name: "./etc/a.list", body: "x y"}, {name: "/etc/b.list", body: "z"}, {name: "etc/other", body: "ignored"}, {name: "usr/", typ: tar.TypeDir}},
			files: map[string]string{"etc/a.list": "x,y", "etc/b.list": "z"},
		},
		{
			name:  "path escaping the root is clamped to it",
			ents:  []ent{{name: "../../etc/evil.list", body: "e"}},
			files: map[string]string{"etc/evil.list": "e"},
		},
		{
			name:      "whiteouts and opaque dirs are recorded, not read",
			ents:      []ent{{name: "etc/.wh.a.list"}, {name: "var/lib/.wh..wh..opq"}, {name: ".wh..wh..opq"}, {name: "etc/.wh..wh.plnk"}},
			whiteouts: []string{"etc/a.list"},
			opaque:    []string{"var/lib", ""},
		},
		{
			name:     "wanted path turned into a symlink or dir is replaced",
			ents:     []ent{{name: "etc/a.list", typ: tar.TypeSymlink, link: "/usr/a.list"}, {name: "etc/d.list", typ: tar.TypeDir}},
			replaced: []string{"etc/a.list", "etc/d.list"},
		},
		{
			name:  "last entry for a path wins",
			ents:  []ent{{name: "etc/a.list", body: "old"}, {name: "etc/a.list", body: "new"}},
			files: map[string]string{"etc/a.list": "new"},
		},
		{
			name:  "hard link to a file of the same layer carries its result",
			ents:  []ent{{name: "etc/a.list", body: "p"}, {name: "etc/b.list", typ: tar.TypeLink, link: "etc/a.list"}},
			files: map[string]string{"etc/a.list": "p", "etc/b.list": "p"},
		},
		{
			name:  "parser errors and panics are kept per file",
			ents:  []ent{{name: "etc/bad.list", body: "BAD"}, {name: "etc/p.list", body: "PANIC"}, {name: "etc/ok.list", body: "k"}},
			files: map[string]string{"etc/bad.list": "!err", "etc/p.list": "!err", "etc/ok.list": "k"},
		},
	}
	for _, tc := range tests {
		raw := mkTar(t, tc.ents)
		for _, enc := range []struct {
			name string
			f    func(testing.TB, []byte) []byte
		}{{"tar", func(_ testing.TB, b []byte) []byte { return b }}, {"gzip", gz}, {"zstd", zst}} {
			t.Run(tc.name+"/"+enc.name, func(t *testing.T) {
				a, err := w.Analyze(context.Background(), bytes.NewReader(enc.f(t, raw)))
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, f := range a.Files {
					if f.Err != "" {
						got[f.Path] = "!err"
						continue
					}
					var names []string
					for _, p := range f.Result.Packages {
						names = append(names, p.Name)
					}
					got[f.Path] = strings.Join(names, ",")
				}
				if fmt.Sprint(got) != fmt.Sprint(orEmpty(tc.files)) {
					t.Errorf("files = %v, want %v", got, tc.files)
				}
				if fmt.Sprint(a.Whiteouts) != fmt.Sprint(tc.whiteouts) || fmt.Sprint(a.Opaque) != fmt.Sprint(tc.opaque) || fmt.Sprint(a.Replaced) != fmt.Sprint(tc.replaced) {
					t.Errorf("whiteouts %q opaque %q replaced %q; want %q %q %q", a.Whiteouts, a.Opaque, a.Replaced, tc.whiteouts, tc.opaque, tc.replaced)
				}
				if a.Entries != len(tc.ents) {
					t.Errorf("entries = %d, want %d", a.Entries, len(tc.ents))
				}
			})
		}
	}
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func TestAnalyzeLimits(t *testing.T) {
	big := strings.Repeat("a ", 600)
	raw := mkTar(t, []ent{{name: "etc/big.list", body: big}, {name: "etc/s.list", body: "s"}})
	w := &Walker{Analyzers: []analyzer.Analyzer{lines{max: 100}}}
	a, err := w.Analyze(context.Background(), bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != 2 || !strings.Contains(a.Files[0].Err, "over the 100-byte limit") || a.Files[1].Err != "" {
		t.Fatalf("files = %+v, want big.list refused by size and s.list read", a.Files)
	}

	// A layer that expands past MaxBytes is abandoned with ErrTooLarge.
	bomb := gz(t, mkTar(t, []ent{{name: "zeros", body: strings.Repeat("\x00", 1<<20)}}))
	w = &Walker{Analyzers: []analyzer.Analyzer{lines{}}, MaxBytes: 64 << 10}
	if _, err := w.Analyze(context.Background(), bytes.NewReader(bomb)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestAnalyzeCorrupt(t *testing.T) {
	raw := gz(t, mkTar(t, []ent{{name: "etc/a.list", body: strings.Repeat("word ", 2000)}}))
	w := &Walker{Analyzers: []analyzer.Analyzer{lines{}}}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated gzip", raw[:len(raw)/2]},
		{"gzip header only", raw[:10]},
		{"not a tar", []byte(strings.Repeat("garbage!", 200))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := w.Analyze(context.Background(), bytes.NewReader(tc.data)); err == nil {
				t.Fatal("want an error")
			}
		})
	}
	// An empty stream is an empty layer.
	if a, err := w.Analyze(context.Background(), bytes.NewReader(nil)); err != nil || a.Entries != 0 {
		t.Fatalf("empty layer: %+v, %v", a, err)
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := &Walker{Analyzers: []analyzer.Analyzer{lines{}}}
	_, err := w.Analyze(ctx, bytes.NewReader(mkTar(t, []ent{{name: "etc/a.list", body: "a"}})))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// The walker must drain the stream: sources verify digests at EOF.
func TestAnalyzeDrains(t *testing.T) {
	raw := append(mkTar(t, []ent{{name: "etc/a.list", body: "a"}}), make([]byte, 4096)...)
	r := bytes.NewReader(raw)
	w := &Walker{Analyzers: []analyzer.Analyzer{lines{}}}
	if _, err := w.Analyze(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 0 {
		t.Fatalf("%d bytes left unread", r.Len())
	}
	if _, err := io.ReadAll(r); err != nil {
		t.Fatal(err)
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add(mkTar(f, []ent{{name: "etc/a.list", body: "a b"}, {name: "etc/.wh.x"}, {name: "etc/l.list", typ: tar.TypeLink, link: "etc/a.list"}}))
	f.Add(gz(f, mkTar(f, []ent{{name: "../etc/b.list", body: "b"}})))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0})
	w := &Walker{Analyzers: []analyzer.Analyzer{lines{max: 1 << 10}}, MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := w.Analyze(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, f := range a.Files {
			if strings.HasPrefix(f.Path, "/") || strings.Contains("/"+f.Path+"/", "/../") {
				t.Fatalf("unclean path %q", f.Path)
			}
		}
	})
}

// elf wants every file but keeps only those starting with the ELF magic.
type elf struct{ lines }

func (elf) Name() string                          { return "elf" }
func (elf) Version() string                       { return "1" }
func (elf) Wants(string, fs.FileMode, int64) bool { return true }
func (elf) MatchHeader(_ string, header []byte) bool {
	return bytes.HasPrefix(header, []byte("\x7fELF"))
}
func (elf) Analyze(_ context.Context, p string, b []byte) (*analyzer.Result, error) {
	return &analyzer.Result{Packages: []report.Package{{Name: p, Version: fmt.Sprint(len(b))}}}, nil
}

func TestHeaderMatcher(t *testing.T) {
	bin := "\x7fELF" + strings.Repeat("x", 3000)
	raw := mkTar(t, []ent{{name: "bin/app", body: bin}, {name: "bin/script", body: "#!/bin/sh\n" + strings.Repeat("y", 3000)}, {name: "bin/tiny", body: "\x7fE"}})
	a, err := (&Walker{Analyzers: []analyzer.Analyzer{elf{}}}).Analyze(context.Background(), bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != 1 || a.Files[0].Path != "bin/app" {
		t.Fatalf("files = %+v, want only bin/app", a.Files)
	}
	// The analyzer sees the whole file, header included.
	if got := a.Files[0].Result.Packages[0].Version; got != fmt.Sprint(len(bin)) {
		t.Fatalf("analyzer saw %s bytes, want %d", got, len(bin))
	}
}
