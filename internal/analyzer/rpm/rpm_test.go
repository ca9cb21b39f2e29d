package rpm

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/adler32"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
	"github.com/knqyf263/go-rpmdb/pkg/bdb"

	"github.com/scanfleet/scanfleet/internal/report"
)

// rpmdbTestdata returns go-rpmdb's testdata directory, which holds real
// Berkeley DB Packages files from CentOS 5 to 8, skipping when the module
// source is not in the module cache.
func rpmdbTestdata(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/knqyf263/go-rpmdb").Output()
	dir := filepath.Join(strings.TrimSpace(string(out)), "pkg", "testdata")
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Skipf("go-rpmdb module source not found (%v): run go mod download", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("go-rpmdb testdata not found: %v", err)
	}
	return dir
}

// bdbCases pairs each real database with go-rpmdb's expected package list,
// which its authors generated with rpm -qa inside the matching container.
var bdbCases = []struct {
	dir  string
	want []*rpmdb.PackageInfo
}{
	{"centos5-plain", rpmdb.CentOS5Plain},
	{"centos6-plain", rpmdb.CentOS6Plain},
	{"centos6-devtools", rpmdb.CentOS6DevTools},
	{"centos6-many", rpmdb.CentOS6Many},
	{"centos7-plain", rpmdb.CentOS7Plain},
	{"centos7-devtools", rpmdb.CentOS7DevTools},
	{"centos7-many", rpmdb.CentOS7Many},
	{"centos7-python35", rpmdb.CentOS7Python35},
	{"centos7-httpd24", rpmdb.CentOS7Httpd24},
	{"centos8-modularitylabel", rpmdb.CentOS8Modularitylabel},
}

// nevra is the comparable form of a package: name, EVR, arch, source.
type nevra struct{ name, evr, arch, srcName, srcEVR string }

// evr formats the documented version rule: EPOCH:VERSION-RELEASE when the
// epoch is positive, VERSION-RELEASE otherwise.
func evr(epoch int, v, r string) string {
	if epoch > 0 {
		return strconv.Itoa(epoch) + ":" + v + "-" + r
	}
	return v + "-" + r
}

// expectedFromLibrary converts go-rpmdb's expected data, dropping
// gpg-pubkey entries. Source names and versions are read from the source
// RPM file name with a regular-expression-free reading: the last two dashes.
func expectedFromLibrary(t *testing.T, list []*rpmdb.PackageInfo) []nevra {
	var out []nevra
	for _, p := range list {
		if p.Name == "gpg-pubkey" {
			continue
		}
		base := strings.TrimSuffix(p.SourceRpm, ".src.rpm")
		parts := strings.Split(base, "-")
		if len(parts) < 3 || base == p.SourceRpm {
			t.Fatalf("expected data: odd SOURCERPM %q", p.SourceRpm)
		}
		srcName := strings.Join(parts[:len(parts)-2], "-")
		srcEVR := evr(p.Epoch, parts[len(parts)-2], parts[len(parts)-1])
		out = append(out, nevra{p.Name, evr(p.Epoch, p.Version, p.Release), p.Arch, srcName, srcEVR})
	}
	return sorted(out)
}

func sorted(n []nevra) []nevra {
	slices.SortFunc(n, func(a, b nevra) int {
		return strings.Compare(a.name+" "+a.evr+" "+a.arch, b.name+" "+b.evr+" "+b.arch)
	})
	return n
}

func fromPackages(t *testing.T, pkgs []report.Package, path string) []nevra {
	t.Helper()
	var out []nevra
	for _, p := range pkgs {
		if p.Type != report.TypeRPM || p.Path != path {
			t.Errorf("bad type or path: %+v", p)
		}
		out = append(out, nevra{p.Name, p.Version, p.Arch, p.SourceName, p.SourceVersion})
	}
	return sorted(out)
}

func compare(t *testing.T, got, want []nevra) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d packages, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("package %d: got %+v, want %+v", i, got[i], want[i])
			return
		}
	}
}

func TestBerkeleyDB(t *testing.T) {
	td := rpmdbTestdata(t)
	a := New()
	for _, tc := range bdbCases {
		t.Run(tc.dir, func(t *testing.T) {
			content, err := os.ReadFile(filepath.Join(td, tc.dir, "Packages"))
			if err != nil {
				t.Fatal(err)
			}
			const p = "var/lib/rpm/Packages"
			res, err := a.Analyze(context.Background(), p, content)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, fromPackages(t, res.Packages, p), expectedFromLibrary(t, tc.want))
		})
	}
}

// libraryBlobs reads the header blobs of a real BDB file with go-rpmdb's
// own reader (safe on these well-formed files).
func libraryBlobs(t testing.TB, file string) [][]byte {
	t.Helper()
	db, err := bdb.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	var blobs [][]byte
	for e := range db.Read() {
		if e.Err != nil {
			t.Fatal(e.Err)
		}
		blobs = append(blobs, e.Value)
	}
	return blobs
}

// writeNDB lays blobs out as rpm's ndb backend does (lib/backend/ndb/
// rpmpkg.c: rpmpkgWriteEmptySlotpage, rpmpkgWriteslot, rpmpkgWriteBlob).
// Debian's rpm is built without ndb, so this is the only way to make one
// here; the headers themselves are real.
func writeNDB(blobs [][]byte) []byte {
	le := binary.LittleEndian
	slotPages := (2 + len(blobs) + 255) / 256 // 256 slots a page, 2 taken by the header
	buf := make([]byte, slotPages*ndbPageSize)
	for off := 0; off < len(buf); off += ndbSlotSize {
		le.PutUint32(buf[off:], ndbSlotMagic)
	}
	le.PutUint32(buf[0:], ndbMagic)
	le.PutUint32(buf[4:], 0)
	le.PutUint32(buf[8:], 1)
	le.PutUint32(buf[12:], uint32(slotPages))
	le.PutUint32(buf[16:], uint32(len(blobs)+1))
	for i, b := range blobs {
		pkgIdx := uint32(i + 1)
		blkCnt := (ndbHeadSize + len(b) + ndbTailSize + ndbBlockSize - 1) / ndbBlockSize
		blkOff := len(buf) / ndbBlockSize
		slot := ndbHeaderSize + i*ndbSlotSize
		le.PutUint32(buf[slot+4:], pkgIdx)
		le.PutUint32(buf[slot+8:], uint32(blkOff))
		le.PutUint32(buf[slot+12:], uint32(blkCnt))
		frame := make([]byte, blkCnt*ndbBlockSize)
		le.PutUint32(frame[0:], ndbBlobMagic)
		le.PutUint32(frame[4:], pkgIdx)
		le.PutUint32(frame[8:], 1700000000)
		le.PutUint32(frame[12:], uint32(len(b)))
		copy(frame[ndbHeadSize:], b)
		tail := frame[len(frame)-ndbTailSize:]
		le.PutUint32(tail[0:], adler32.Checksum(frame[:len(frame)-ndbTailSize]))
		le.PutUint32(tail[4:], uint32(len(b)))
		le.PutUint32(tail[8:], ndbTailMagic)
		buf = append(buf, frame...)
	}
	return buf
}

func TestNDBFromRealHeaders(t *testing.T) {
	td := rpmdbTestdata(t)
	a := New()
	for _, tc := range bdbCases[:3] {
		t.Run(tc.dir, func(t *testing.T) {
			db := writeNDB(libraryBlobs(t, filepath.Join(td, tc.dir, "Packages")))
			const p = "usr/lib/sysimage/rpm/Packages.db"
			res, err := a.Analyze(context.Background(), p, db)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, fromPackages(t, res.Packages, p), expectedFromLibrary(t, tc.want))
		})
	}
}

func TestNDBDamaged(t *testing.T) {
	td := rpmdbTestdata(t)
	blobs := libraryBlobs(t, filepath.Join(td, "centos7-plain", "Packages"))
	db := writeNDB(blobs)
	good, err := ndbBlobs(context.Background(), db)
	if err != nil || len(good) != len(blobs) {
		t.Fatalf("intact: %d blobs, %v", len(good), err)
	}
	// Flip one byte inside the first blob: its checksum fails, the others
	// are still returned.
	slotPages := binary.LittleEndian.Uint32(db[12:16])
	first := int(slotPages)*ndbPageSize + ndbHeadSize + 100
	db[first] ^= 0xff
	got, err := ndbBlobs(context.Background(), db)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("err = %v, want a checksum error", err)
	}
	if len(got) != len(blobs)-1 {
		t.Errorf("got %d blobs, want %d", len(got), len(blobs)-1)
	}

	for name, mutate := range map[string]func([]byte){
		"truncated":      func(b []byte) {},
		"bad magic":      func(b []byte) { b[0] = 'X' },
		"bad version":    func(b []byte) { b[4] = 1 },
		"huge slotpages": func(b []byte) { binary.LittleEndian.PutUint32(b[12:], 1<<30) },
		"bad slot magic": func(b []byte) { b[ndbHeaderSize] = 'X' },
		"slot past end":  func(b []byte) { binary.LittleEndian.PutUint32(b[ndbHeaderSize+8:], 1<<31) },
		"overlapping slots": func(b []byte) {
			for s := ndbHeaderSize; s < ndbPageSize; s += ndbSlotSize {
				copy(b[s:s+ndbSlotSize], b[ndbHeaderSize:ndbHeaderSize+ndbSlotSize])
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := slices.Clone(db[:ndbPageSize+ndbPageSize/2])
			if name != "truncated" {
				d = writeNDB(blobs)
			}
			mutate(d)
			_, err := ndbBlobs(context.Background(), d)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestBerkeleyDBDamaged(t *testing.T) {
	td := rpmdbTestdata(t)
	orig, err := os.ReadFile(filepath.Join(td, "centos7-plain", "Packages"))
	if err != nil {
		t.Fatal(err)
	}
	ps := int(binary.LittleEndian.Uint32(orig[20:24]))
	// Locate the first overflow page, to corrupt its chain.
	firstOverflow := -1
	for n := 1; n*ps < len(orig); n++ {
		if orig[n*ps+25] == bdb.OverflowPageType {
			firstOverflow = n
			break
		}
	}
	if firstOverflow < 0 {
		t.Fatal("no overflow page in the test file")
	}
	tests := []struct {
		name   string
		mutate func([]byte) []byte
	}{
		{"truncated to half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"truncated to metadata", func(b []byte) []byte { return b[:600] }},
		{"tiny", func(b []byte) []byte { return b[:100] }},
		{"bad page size", func(b []byte) []byte { binary.LittleEndian.PutUint32(b[20:], 1000); return b }},
		{"overflow page points to itself", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[firstOverflow*ps+16:], uint32(firstOverflow))
			return b
		}},
		{"overflow chain into the metadata page's neighbour", func(b []byte) []byte {
			// Page 1 is a hash page, not an overflow page: go-rpmdb's own
			// reader loops forever on this.
			binary.LittleEndian.PutUint32(b[firstOverflow*ps+16:], 1)
			return b
		}},
		{"used bytes past the page", func(b []byte) []byte {
			for n := 1; n*ps < len(b); n++ {
				pg := b[n*ps:]
				if pg[25] == bdb.OverflowPageType && binary.LittleEndian.Uint32(pg[16:]) == 0 {
					binary.LittleEndian.PutUint16(pg[22:], 0xffff)
				}
			}
			return b
		}},
		{"hash page with too many entries", func(b []byte) []byte {
			for n := 1; n*ps < len(b); n++ {
				if pg := b[n*ps:]; pg[25] == bdb.HashPageType {
					binary.LittleEndian.PutUint16(pg[20:], 0xfffe)
				}
			}
			return b
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.mutate(slices.Clone(orig))
			res, err := New().Analyze(context.Background(), "var/lib/rpm/Packages", d)
			if err == nil {
				t.Fatalf("no error; %d packages", len(res.Packages))
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

// tag is one header entry for makeHeader.
type tag struct {
	id, typ int32
	val     any // string or int32
}

// makeHeader builds a header blob with the on-disk layout that rpm writes.
func makeHeader(tags []tag) []byte {
	var index, data bytes.Buffer
	for _, tg := range tags {
		if tg.typ == rpmdb.RPM_INT32_TYPE {
			for data.Len()%4 != 0 {
				data.WriteByte(0)
			}
		}
		off := data.Len()
		switch v := tg.val.(type) {
		case string:
			data.WriteString(v)
			data.WriteByte(0)
		case int32:
			binary.Write(&data, binary.BigEndian, v)
		}
		binary.Write(&index, binary.BigEndian, []int32{tg.id, tg.typ, int32(off), 1})
	}
	var out bytes.Buffer
	binary.Write(&out, binary.BigEndian, []uint32{uint32(len(tags)), uint32(data.Len())})
	out.Write(index.Bytes())
	out.Write(data.Bytes())
	return out.Bytes()
}

func nevraTags(name, ver, rel, arch, src string, epoch int32) []tag {
	tags := []tag{
		{rpmdb.RPMTAG_NAME, rpmdb.RPM_STRING_TYPE, name},
		{rpmdb.RPMTAG_VERSION, rpmdb.RPM_STRING_TYPE, ver},
		{rpmdb.RPMTAG_RELEASE, rpmdb.RPM_STRING_TYPE, rel},
		{rpmdb.RPMTAG_ARCH, rpmdb.RPM_STRING_TYPE, arch},
		{rpmdb.RPMTAG_SOURCERPM, rpmdb.RPM_STRING_TYPE, src},
	}
	if epoch >= 0 {
		tags = append(tags, tag{rpmdb.RPMTAG_EPOCH, rpmdb.RPM_INT32_TYPE, epoch})
	}
	return tags
}

func TestPackagesFromHeaders(t *testing.T) {
	tests := []struct {
		name    string
		blobs   [][]byte
		want    []nevra
		wantErr bool
	}{
		{
			name: "epochs, dashes, tildes, no source",
			blobs: [][]byte{
				makeHeader(nevraTags("python3-libs", "3.9.18", "1.el9_3", "x86_64", "python3.9-3.9.18-1.el9_3.src.rpm", -1)),
				makeHeader(nevraTags("openssl-libs", "3.0.7", "27.el9", "x86_64", "openssl-3.0.7-27.el9.src.rpm", 1)),
				makeHeader(nevraTags("zero", "1.0~rc1", "1", "noarch", "zero-src-1.0~rc1-1.src.rpm", 0)),
				makeHeader(nevraTags("nosrc", "2", "3", "noarch", "(none)", -1)),
			},
			want: []nevra{
				{"nosrc", "2-3", "noarch", "nosrc", "2-3"},
				{"openssl-libs", "1:3.0.7-27.el9", "x86_64", "openssl", "1:3.0.7-27.el9"},
				{"python3-libs", "3.9.18-1.el9_3", "x86_64", "python3.9", "3.9.18-1.el9_3"},
				{"zero", "1.0~rc1-1", "noarch", "zero-src", "1.0~rc1-1"},
			},
		},
		{
			name: "gpg-pubkey skipped",
			blobs: [][]byte{
				makeHeader(nevraTags("gpg-pubkey", "fd431d51", "4ae0493b", "(none)", "(none)", -1)),
				makeHeader(nevraTags("bash", "5.1.8", "9.el9", "x86_64", "bash-5.1.8-9.el9.src.rpm", -1)),
			},
			want: []nevra{{"bash", "5.1.8-9.el9", "x86_64", "bash", "5.1.8-9.el9"}},
		},
		{
			name: "dribble entry overrides",
			blobs: [][]byte{makeHeader(append(nevraTags("a", "1", "1", "x86_64", "a-1-1.src.rpm", -1),
				tag{rpmdb.RPMTAG_RELEASE, rpmdb.RPM_STRING_TYPE, "2"}))},
			want: []nevra{{"a", "1-2", "x86_64", "a", "1-1"}},
		},
		{
			name: "one bad header among good ones",
			blobs: [][]byte{
				makeHeader(nevraTags("a", "1", "1", "x86_64", "a-1-1.src.rpm", -1)),
				[]byte("garbage"),
			},
			want:    []nevra{{"a", "1-1", "x86_64", "a", "1-1"}},
			wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pkgs, err := packages(tc.blobs, "var/lib/rpm/rpmdb.sqlite")
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if got := fromPackages(t, pkgs, "var/lib/rpm/rpmdb.sqlite"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestHeaderMalformed(t *testing.T) {
	valid := makeHeader(nevraTags("a", "1", "1", "x86_64", "a-1-1.src.rpm", 2))
	setU32 := func(b []byte, off int, v uint32) []byte {
		b = slices.Clone(b)
		binary.BigEndian.PutUint32(b[off:], v)
		return b
	}
	tests := map[string][]byte{
		"empty":                nil,
		"short":                valid[:7],
		"zero entries":         setU32(valid, 0, 0),
		"huge entry count":     setU32(valid, 0, 0xffffffff),
		"huge data length":     setU32(valid, 4, 0xffffffff),
		"truncated data":       valid[:len(valid)-3],
		"string offset past":   setU32(valid, 8+8, 1<<20),
		"epoch offset past":    setU32(valid, 8+5*16+8, 1<<20),
		"string with int type": setU32(valid, 8+4, rpmdb.RPM_INT32_TYPE),
		"unterminated":         valid[:len(valid)-5],
		"no name":              makeHeader(nevraTags("", "1", "1", "x", "", -1)),
		"negative epoch": makeHeader(append(nevraTags("a", "1", "1", "x", "", -1),
			tag{rpmdb.RPMTAG_EPOCH, rpmdb.RPM_INT32_TYPE, int32(-5)})),
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if h, err := parseHeader(b); !errors.Is(err, ErrMalformed) {
				t.Errorf("got %+v, %v; want ErrMalformed", h, err)
			}
		})
	}
	if _, err := parseHeader(valid); err != nil {
		t.Fatalf("valid header rejected: %v", err)
	}
}

func TestSplitSourceRPM(t *testing.T) {
	tests := []struct {
		in                 string
		name, version, rel string
		ok                 bool
	}{
		{"glibc-2.34-83.el9_3.7.src.rpm", "glibc", "2.34", "83.el9_3.7", true},
		{"python3.9-3.9.18-1.el9_3.src.rpm", "python3.9", "3.9.18", "1.el9_3", true},
		{"perl-Term-ANSIColor-4.06-396.el8.src.rpm", "perl-Term-ANSIColor", "4.06", "396.el8", true},
		{"foo-1.0~rc1^git2-3.nosrc.rpm", "foo", "1.0~rc1^git2", "3", true},
		{"(none)", "", "", "", false},
		{"", "", "", "", false},
		{"foo-1.src.rpm", "", "", "", false},
		{"-1-2.src.rpm", "", "", "", false},
		{"foo--2.src.rpm", "", "", "", false},
		{"foo-1-.src.rpm", "", "", "", false},
		{"foo-1-2.rpm", "", "", "", false},
	}
	for _, tc := range tests {
		n, v, r, ok := SplitSourceRPM(tc.in)
		if n != tc.name || v != tc.version || r != tc.rel || ok != tc.ok {
			t.Errorf("SplitSourceRPM(%q) = %q %q %q %v", tc.in, n, v, r, ok)
		}
	}
}

func TestWants(t *testing.T) {
	a := New()
	for p, want := range map[string]bool{
		"var/lib/rpm/Packages":              true,
		"var/lib/rpm/rpmdb.sqlite":          true,
		"var/lib/rpm/Packages.db":           true,
		"usr/lib/sysimage/rpm/Packages":     true,
		"usr/lib/sysimage/rpm/rpmdb.sqlite": true,
		"usr/lib/sysimage/rpm/Packages.db":  true,
		"var/lib/rpm/rpmdb.sqlite-wal":      false,
		"var/lib/rpm/Name":                  false,
		"var/lib/rpm/sub/Packages":          false,
		"usr/share/doc/rpm/Packages":        false,
		"var/lib/rpm/Index.db":              false,
	} {
		if got := a.Wants(p, 0o644, 1); got != want {
			t.Errorf("Wants(%q) = %v", p, got)
		}
	}
}

func TestSQLiteMalformed(t *testing.T) {
	for name, content := range map[string][]byte{
		"empty":      nil,
		"garbage":    bytes.Repeat([]byte("garbage!"), 100),
		"magic only": append([]byte("SQLite format 3\x00"), make([]byte, 200)...),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New().Analyze(context.Background(), "var/lib/rpm/rpmdb.sqlite", content)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func FuzzRPM(f *testing.F) {
	f.Add(uint8(0), makeHeader(nevraTags("a", "1", "1", "x86_64", "a-1-1.src.rpm", 1)))
	f.Add(uint8(1), writeNDB([][]byte{makeHeader(nevraTags("a", "1", "1", "x86_64", "a-1-1.src.rpm", 1))}))
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/knqyf263/go-rpmdb").Output(); err == nil {
		file := filepath.Join(strings.TrimSpace(string(out)), "pkg", "testdata", "centos5-plain", "Packages")
		if _, err := os.Stat(file); err == nil {
			blobs := libraryBlobs(f, file)
			for _, b := range blobs[:5] {
				f.Add(uint8(0), b)
			}
			f.Add(uint8(1), writeNDB(blobs[:3]))
			// BDB files are megabytes; the first pages hold the metadata
			// and hash pages, enough for the mutator to reach the walk.
			content, _ := os.ReadFile(file)
			f.Add(uint8(2), content[:64<<10])
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		ctx := context.Background()
		var (
			blobs [][]byte
			err   error
		)
		switch kind % 3 {
		case 0:
			blobs = [][]byte{data}
		case 1:
			blobs, err = ndbBlobs(ctx, data)
		case 2:
			blobs, err = bdbBlobs(ctx, data)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error not wrapping ErrMalformed: %v", err)
		}
		var total int
		for _, b := range blobs {
			total += len(b)
		}
		if total > len(data) {
			t.Fatalf("%d blob bytes from %d input bytes", total, len(data))
		}
		pkgs, err := packages(blobs, "var/lib/rpm/Packages")
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error not wrapping ErrMalformed: %v", err)
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.SourceName == "" {
				t.Fatalf("incomplete %+v", p)
			}
		}
	})
}

func BenchmarkBerkeleyDB(b *testing.B) {
	content, err := os.ReadFile(filepath.Join(rpmdbTestdata(b), "centos7-many", "Packages"))
	if err != nil {
		b.Fatal(err)
	}
	a := New()
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Analyze(context.Background(), "var/lib/rpm/Packages", content); err != nil {
			b.Fatal(err)
		}
	}
}
