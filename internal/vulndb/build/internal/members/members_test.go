package members

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestTableRoundTrip: what a table writer is given is what ReadTable
// gives back, and the writer's sums are the entries'.
func TestTableRoundTrip(t *testing.T) {
	dir := t.TempDir()
	w, err := NewTableWriter(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ents := []Entry{
		{Name: "GHSA-1.json", Modified: "2024-01-02T03:04:05Z", Files: 1, Records: 1, Seq: 0, Ecos: "npm"},
		{Name: "GHSA-2.json", Modified: "2024-01-02T03:04:06.5Z", Files: 1, Withdrawn: 1, Seq: NoSeq},
		{Name: "GHSA-3.json", Files: 1, Malformed: 2, Seq: NoSeq, Errs: []string{"all.zip:GHSA-3.json: b", "all.zip:GHSA-3.json: a"}},
		{Name: "OSV-4.json", Files: 1, Records: 1, Seq: 1, Ecos: "Debian:11\x00Debian:12"},
		{Name: "cvelistV5-main/cves/2024/1xxx/CVE-2024-1000.json", Files: 1, Enrichment: 1, Seq: 7},
	}
	for i := range ents {
		w.Add(&ents[i])
	}
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTable(filepath.Join(dir, TableFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ents) {
		t.Fatalf("read back %+v\nwant %+v", got, ents)
	}
	if w.Bad != "" || w.Stored != 3 || w.Info.Files != 5 || w.Info.Records != 2 || w.Info.Withdrawn != 1 || w.Info.Malformed != 2 || w.Info.Enrichment != 1 {
		t.Errorf("sums: bad %q stored %d info %+v", w.Bad, w.Stored, w.Info)
	}
	if fmt.Sprint(w.Causes.List(2)) != "[all.zip:GHSA-3.json: a all.zip:GHSA-3.json: b]" {
		t.Errorf("causes %v, want both, sorted", w.Causes.List(2))
	}
	if len(w.Ecos) != 3 || !w.Ecos["npm"] || !w.Ecos["Debian:12"] {
		t.Errorf("ecosystems %v", w.Ecos)
	}
}

// TestTableDamage: a table cut anywhere, or holding impossible lengths,
// is ErrDamaged naming the file; a member written twice makes the table
// unusable for patching.
func TestTableDamage(t *testing.T) {
	dir := t.TempDir()
	w, err := NewTableWriter(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	e := Entry{Name: "GHSA-1.json", Modified: "2024-01-02T03:04:05Z", Files: 1, Records: 1, Seq: 0, Errs: []string{"x"}}
	w.Add(&e)
	w.Add(&e)
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Bad, "GHSA-1.json appears twice") {
		t.Errorf("Bad = %q, want the member named twice", w.Bad)
	}
	path := filepath.Join(dir, TableFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tooMany := appendEntry(nil, &Entry{Name: "a.json", Errs: make([]string, MaxCauses+1)})
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"cut in the second entry", good[:len(good)-3]},
		{"cut in the first entry", good[:5]},
		{"a name of 2^40 bytes", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x20}},
		{"more causes than are kept", tooMany},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), TableFile)
			if err := os.WriteFile(p, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			ents, err := ReadTable(p)
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), p) {
				t.Fatalf("ReadTable = %d entries, %v; want ErrDamaged naming the file", len(ents), err)
			}
		})
	}
}

// TestCauses: the MaxCauses smallest causes are kept, sorted, whatever
// the order they come in, and the list says how many more there were.
func TestCauses(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		want int // kept
	}{
		{"none", 0, 0},
		{"fewer than kept", 5, 5},
		{"more than kept", 3 * MaxCauses, MaxCauses},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var k Causes
			for i := tc.n - 1; i >= 0; i-- {
				k.Add(fmt.Sprintf("f.json: cause %03d", i))
			}
			got := k.List(tc.n)
			if tc.n == 0 {
				if got != nil {
					t.Fatalf("List = %v, want nil", got)
				}
				return
			}
			if len(got) < tc.want || got[0] != "f.json: cause 000" || got[tc.want-1] != fmt.Sprintf("f.json: cause %03d", tc.want-1) {
				t.Fatalf("List = %v", got)
			}
			if more := tc.n - tc.want; more > 0 && got[len(got)-1] != fmt.Sprintf("... and %d more", more) {
				t.Errorf("last line %q, want the count of the others", got[len(got)-1])
			}
		})
	}
}
