package layer

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"reflect"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/gobinary"
	"github.com/scanfleet/scanfleet/internal/report"
)

// elfSections is a random-access analyzer of executables that reports the
// ELF section count it read and records the kind of reader it was given.
type elfSections struct{ readers *[]string }

func (elfSections) Name() string    { return "elfsections" }
func (elfSections) Version() string { return "1" }
func (elfSections) Wants(_ string, mode fs.FileMode, _ int64) bool {
	return mode&0o111 != 0
}
func (elfSections) MaxSize() int64 { return 1 << 30 }
func (e elfSections) Analyze(ctx context.Context, p string, b []byte) (*analyzer.Result, error) {
	*e.readers = append(*e.readers, "bytes")
	return sections(b[:4])
}
func (e elfSections) AnalyzeReaderAt(_ context.Context, p string, r io.ReaderAt, size int64) (*analyzer.Result, error) {
	if _, ok := r.(*os.File); ok {
		*e.readers = append(*e.readers, "file")
	} else {
		*e.readers = append(*e.readers, "other")
	}
	magic := make([]byte, 4)
	if _, err := r.ReadAt(magic, 0); err != nil {
		return nil, err
	}
	// The last byte is read too: random access reaches the end.
	if _, err := r.ReadAt(make([]byte, 1), size-1); err != nil {
		return nil, err
	}
	return sections(magic)
}

func sections(magic []byte) (*analyzer.Result, error) {
	return &analyzer.Result{Packages: []report.Package{{Name: "magic", Version: string(magic[1:])}}}, nil
}

// A large executable that a stream analyzer (Go build info) and a
// random-access analyzer both want is spooled to a temporary file once
// and gives each the same result as the in-memory path.
func TestAnalyzeFileSpoolsLargeExecutables(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(exe) // a Go executable with build info
	if err != nil {
		t.Fatal(err)
	}
	run := func(spoolAt int64) ([]File, []string) {
		var readers []string
		ans := []analyzer.Analyzer{gobinary.New(), elfSections{&readers}}
		files, n, err := analyzeFile(context.Background(), ans, "usr/bin/app", 0o755, int64(len(content)), bytes.NewReader(content), spoolAt)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(content)) {
			t.Errorf("read %d bytes of %d", n, len(content))
		}
		return files, readers
	}
	inMemory, memReaders := run(1 << 40)
	spooled, spoolReaders := run(0)
	if !reflect.DeepEqual(memReaders, []string{"bytes"}) || !reflect.DeepEqual(spoolReaders, []string{"file"}) {
		t.Fatalf("readers: in memory %v, spooled %v", memReaders, spoolReaders)
	}
	if !reflect.DeepEqual(inMemory, spooled) {
		t.Errorf("spooled results differ:\n%+v\nin memory:\n%+v", spooled, inMemory)
	}
	var stdlib bool
	for _, f := range spooled {
		if f.Err != "" {
			t.Errorf("%s: %s", f.Analyzer, f.Err)
		}
		if f.Analyzer == "gobinary" && f.Result != nil {
			for _, p := range f.Result.Packages {
				stdlib = stdlib || p.Name == gobinary.StdlibName
			}
		}
	}
	if !stdlib {
		t.Errorf("the Go build info was not read from the spooled file: %+v", spooled)
	}
}
