// Package members is the member table of a cached OSV archive: for each
// member of the archive, its name, the record's own modified time, what
// it added to the source's counts, its malformed causes and the number of
// the record it stored. It is what lets an update replace single records
// of the archive rather than read it whole (see the build's patch.go),
// and a file format of its own: written as the members go past, read back
// whole, and damaged tables are told as such (ErrDamaged), never
// half-read.
package members

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/vulndb"
)

const (
	// TableFile is the table's name in an intermediate's directory.
	TableFile = "members.tab"
	// NoSeq is Entry.Seq of a member that stored no record.
	NoSeq = ^uint32(0)
	// MaxCauses bounds the malformed causes kept per source (and per
	// member): what the database file stores.
	MaxCauses = 20
)

// Causes keeps the MaxCauses smallest malformed-record causes of a
// source, sorted: unlike the first ones read, they do not depend on the
// order of an archive's members, which a record-level update cannot know.
// The zero value is ready to use.
type Causes struct{ errs []string }

// Add keeps msg if it is among the MaxCauses smallest.
func (k *Causes) Add(msg string) {
	i := sort.SearchStrings(k.errs, msg)
	if i >= MaxCauses {
		return
	}
	if len(k.errs) < MaxCauses {
		k.errs = append(k.errs, "")
	}
	copy(k.errs[i+1:], k.errs[i:])
	k.errs[i] = msg
}

// List returns the kept causes of total, saying how many more there were.
func (k *Causes) List(total int) []string {
	if len(k.errs) == 0 {
		return nil
	}
	out := append([]string(nil), k.errs...)
	if total > len(out) {
		out = append(out, fmt.Sprintf("... and %d more", total-len(out)))
	}
	return out
}

// Entry is one line of a member table: what one archive member held.
type Entry struct {
	Name, Modified                                string
	Files, Records, Withdrawn, Skipped, Malformed uint32
	// Enrichment counts the enrichment records read (a CVE List
	// archive's member holds one).
	Enrichment uint32
	// Seq is the number of the stored record (an advisory's, or for a
	// table of enrichment records the enrichment item's), or NoSeq.
	Seq  uint32
	Ecos string // of the stored record, "\x00"-joined
	Errs []string
}

func appendEntry(b []byte, e *Entry) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(e.Name)
	str(e.Modified)
	for _, n := range []uint32{e.Files, e.Records, e.Withdrawn, e.Skipped, e.Malformed, e.Enrichment, e.Seq} {
		b = binary.AppendUvarint(b, uint64(n))
	}
	str(e.Ecos)
	b = binary.AppendUvarint(b, uint64(len(e.Errs)))
	for _, m := range e.Errs {
		str(m)
	}
	return b
}

// ErrDamaged is wrapped by ReadTable's error for a table that cannot be
// read back.
var ErrDamaged = errors.New("member table is damaged")

func readEntry(r *bufio.Reader) (Entry, error) {
	var e Entry
	num := func() uint32 {
		v, err := binary.ReadUvarint(r)
		if err != nil || v > 1<<32-1 {
			panic(ErrDamaged)
		}
		return uint32(v)
	}
	str := func() string {
		n := num()
		if n > 1<<20 {
			panic(ErrDamaged)
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			panic(ErrDamaged)
		}
		return string(b)
	}
	if _, err := r.Peek(1); err != nil {
		return e, io.EOF
	}
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = ErrDamaged
			}
		}()
		e.Name, e.Modified = str(), str()
		for _, p := range []*uint32{&e.Files, &e.Records, &e.Withdrawn, &e.Skipped, &e.Malformed, &e.Enrichment, &e.Seq} {
			*p = num()
		}
		e.Ecos = str()
		n := num()
		if n > MaxCauses {
			return ErrDamaged
		}
		for range n {
			e.Errs = append(e.Errs, str())
		}
		return nil
	}()
	return e, err
}

// ReadTable reads the member table at path.
func ReadTable(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	var out []Entry
	for {
		e, err := readEntry(r)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, e)
	}
}

// TableWriter writes a member table and sums what it says: the source's
// counts, causes and ecosystems.
type TableWriter struct {
	f     *os.File
	w     *bufio.Writer
	buf   []byte
	names map[string]bool
	// Bad says why the source cannot be patched, if it cannot (a member
	// seen twice; the caller adds its own reasons).
	Bad string
	// Stored counts the entries that stored a record.
	Stored int
	// Info sums the entries' counts (Source and Errors are left empty).
	Info vulndb.SourceInfo
	// Causes keeps the entries' malformed causes.
	Causes Causes
	// Ecos holds the ecosystems of the stored records.
	Ecos map[string]bool
}

// NewTableWriter creates the member table of the intermediate in dir,
// for about n members.
func NewTableWriter(dir string, n int) (*TableWriter, error) {
	f, err := os.Create(filepath.Join(dir, TableFile))
	if err != nil {
		return nil, fmt.Errorf("creating member table: %w", err)
	}
	return &TableWriter{f: f, w: bufio.NewWriterSize(f, 256<<10), names: make(map[string]bool, n), Ecos: map[string]bool{}}, nil
}

// Add writes one entry and adds it to the sums.
func (t *TableWriter) Add(e *Entry) {
	if t.names[e.Name] && t.Bad == "" {
		t.Bad = "member " + e.Name + " appears twice"
	}
	t.names[e.Name] = true
	t.buf = appendEntry(t.buf[:0], e)
	t.w.Write(t.buf)
	t.Info.Files += int(e.Files)
	t.Info.Records += int(e.Records)
	t.Info.Withdrawn += int(e.Withdrawn)
	t.Info.Skipped += int(e.Skipped)
	t.Info.Malformed += int(e.Malformed)
	t.Info.Enrichment += int(e.Enrichment)
	for _, m := range e.Errs {
		t.Causes.Add(m)
	}
	if e.Seq != NoSeq {
		t.Stored++
		for _, eco := range strings.Split(e.Ecos, "\x00") {
			if eco != "" {
				t.Ecos[eco] = true
			}
		}
	}
}

// Finish flushes and closes the table.
func (t *TableWriter) Finish() error {
	err := t.w.Flush()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing member table: %w", err)
	}
	return nil
}

// Close closes the table (after Finish, a no-op that fails quietly).
func (t *TableWriter) Close() { t.f.Close() }
