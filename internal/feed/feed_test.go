package feed

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

func collect(t *testing.T, src string, client *http.Client) (Stats, []*advisory.Advisory) {
	t.Helper()
	var got []*advisory.Advisory
	st, err := Load(context.Background(), src, client, func(a *advisory.Advisory) error {
		got = append(got, a)
		return nil
	})
	if err != nil {
		t.Fatalf("Load(%s): %v", src, err)
	}
	return st, got
}

// tarMembers reads every regular member of a tar.gz: the independent,
// simple reading the loader's counts are checked against.
func tarMembers(t testing.TB, p string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	testutil.WalkTarGz(t, p, func(_ string, h *tar.Header, r io.Reader) bool {
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			out[h.Name] = b
		}
		return true
	})
	return out
}

// pep440 is the permissive version pattern of PEP 440's appendix B.
var pep440 = regexp.MustCompile(`(?i)^\s*v?(?:(?:[0-9]+)!)?(?:[0-9]+(?:\.[0-9]+)*)(?:[-_\.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?:[0-9]+)?)?(?:(?:-(?:[0-9]+))|(?:[-_\.]?(?:post|rev|r)[-_\.]?(?:[0-9]+)?))?(?:[-_\.]?(?:dev)[-_\.]?(?:[0-9]+)?)?(?:\+(?:[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$`)

// semverRe is SemVer 2.0's pattern, with the optional "v" Go drops.
var semverRe = regexp.MustCompile(`^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func TestLoadRealOSV(t *testing.T) {
	cases := []struct {
		file       string
		ext        string
		readmeSays int // the README's record count
		valid      func(string) bool
	}{
		{"osv-go-vulndb.tar.gz", ".json", 4789, semverRe.MatchString},
		{"osv-pypi.tar.gz", ".yaml", 2661, pep440.MatchString},
		{"osv-crates.tar.gz", ".json", 1206, semverRe.MatchString},
		{"osv-almalinux.tar.gz", ".json", 5680, func(v string) bool { return v != "" }},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			p := testutil.Data(t, "advisories", tc.file)
			members := tarMembers(t, p)
			records, withdrawn, bad, other := 0, 0, 0, 0
			for name, b := range members {
				if path.Ext(name) != tc.ext {
					other++
					continue
				}
				records++
				var rec struct {
					Withdrawn any
					Affected  []struct {
						Ranges []struct {
							Type   string
							Events []map[string]string
						}
					}
				}
				var err error
				if tc.ext == ".json" {
					err = json.Unmarshal(b, &rec)
				} else {
					err = yaml.Unmarshal(b, &rec)
				}
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if rec.Withdrawn != nil {
					withdrawn++
					continue
				}
			rec:
				for _, a := range rec.Affected {
					for _, r := range a.Ranges {
						if r.Type == "GIT" {
							continue
						}
						for _, e := range r.Events {
							for k, v := range e {
								if !(k == "introduced" && v == "0") && !tc.valid(v) {
									bad++
									break rec
								}
							}
						}
					}
				}
			}
			if records != tc.readmeSays {
				t.Fatalf("independent count %d records, README says %d", records, tc.readmeSays)
			}
			st, advs := collect(t, p, nil)
			t.Logf("%v; errors: %q", st, st.Errors)
			if st.Files != records {
				t.Errorf("Files = %d, want %d", st.Files, records)
			}
			if st.Withdrawn != withdrawn {
				t.Errorf("Withdrawn = %d, want %d", st.Withdrawn, withdrawn)
			}
			if st.Malformed != bad {
				t.Errorf("Malformed = %d, want %d (records with a version the ecosystem rejects)", st.Malformed, bad)
			}
			if st.Records != records-withdrawn-bad {
				t.Errorf("Records = %d, want %d", st.Records, records-withdrawn-bad)
			}
			if st.Skipped != other {
				t.Errorf("Skipped = %d, want %d non-record files", st.Skipped, other)
			}
			if len(advs) != st.Records {
				t.Errorf("emitted %d, Records %d", len(advs), st.Records)
			}
			for _, e := range st.Errors {
				if !strings.Contains(e, tc.file+":") {
					t.Errorf("error %q does not name its file", e)
				}
			}
			for _, a := range advs {
				if a.ID == "" || a.Source != advisory.SourceOSV || len(a.Affected) == 0 {
					t.Fatalf("bad advisory %+v", a)
				}
				for _, af := range a.Affected {
					for _, r := range af.Ranges {
						if r.Type == "GIT" {
							t.Fatalf("%s: GIT range kept", a.ID)
						}
					}
				}
			}
		})
	}
}

func TestLoadGoDetails(t *testing.T) {
	p := testutil.Data(t, "advisories", "osv-go-vulndb.tar.gz")
	_, advs := collect(t, p, nil)
	byID := map[string]*advisory.Advisory{}
	for _, a := range advs {
		byID[a.ID] = a
	}
	// GO-2024-3228: two packages, the second with three introduced/fixed
	// pairs in one range.
	a := byID["GO-2024-3228"]
	if a == nil {
		t.Fatal("GO-2024-3228 not loaded")
	}
	if len(a.Affected) != 2 || a.Affected[1].Package != "github.com/coder/coder/v2" || len(a.Affected[1].Ranges[0].Events) != 6 {
		t.Errorf("GO-2024-3228 affected = %+v", a.Affected)
	}
	if len(a.Aliases) != 1 || a.Aliases[0] != "GHSA-wcx9-ccpj-hx3c" {
		t.Errorf("aliases = %v", a.Aliases)
	}
	if !a.Published.IsZero() {
		t.Errorf("zero-date published read as %v", a.Published)
	}
}

func TestLoadCratesCVSS(t *testing.T) {
	p := testutil.Data(t, "advisories", "osv-crates.tar.gz")
	members := tarMembers(t, p)
	// Independent count of v3/v4 vectors in non-withdrawn records.
	want := 0
	for name, b := range members {
		if path.Ext(name) != ".json" || bytes.Contains(b, []byte(`"withdrawn"`)) {
			continue
		}
		want += bytes.Count(b, []byte(`"score": "CVSS:3`)) + bytes.Count(b, []byte(`"score": "CVSS:4`))
	}
	_, advs := collect(t, p, nil)
	got := 0
	for _, a := range advs {
		for _, c := range a.CVSS {
			got++
			if c.Score < 0 || c.Score > 10 || (c.Version != "3.0" && c.Version != "3.1" && c.Version != "4.0") {
				t.Errorf("%s: bad CVSS %+v", a.ID, c)
			}
		}
	}
	if got != want || want == 0 {
		t.Errorf("scored %d vectors, want %d", got, want)
	}
}

func TestLoadGHSA(t *testing.T) {
	dir := testutil.Data(t, "advisories", "osv-ghsa-npm-subset")
	st, advs := collect(t, dir, nil)
	if st.Files != 2 || st.Records != 2 || st.Skipped != 1 || st.Malformed != 0 {
		t.Fatalf("stats %v", st)
	}
	for _, a := range advs {
		if a.Severity == "" || len(a.CVSS) == 0 || a.Affected[0].Ecosystem != "npm" {
			t.Errorf("%s: severity %q cvss %v affected %+v", a.ID, a.Severity, a.CVSS, a.Affected)
		}
	}
}

// secfixesOf reads a secdb document's packages generically (the
// independent reading for the Alpine tests).
func secfixesOf(t *testing.T, doc map[string]any) map[string]map[string][]string {
	t.Helper()
	out := map[string]map[string][]string{}
	add := func(pkg map[string]any) {
		name, _ := pkg["name"].(string)
		sf, _ := pkg["secfixes"].(map[string]any)
		m := map[string][]string{}
		for k, v := range sf {
			list, _ := v.([]any)
			for _, x := range list {
				s, _ := x.(string)
				m[k] = append(m[k], s)
			}
		}
		out[name] = m
	}
	if _, ok := doc["secfixes"]; ok {
		add(doc)
	}
	if pkgs, ok := doc["packages"].([]any); ok {
		for _, p := range pkgs {
			pm, _ := p.(map[string]any)
			inner, _ := pm["pkg"].(map[string]any)
			add(inner)
		}
	}
	return out
}

var cveOrXSA = regexp.MustCompile(`\b(CVE[-_ ]\d{4}-\d+|[A-Z]+-\d+|wnpa-sec-\d{4}-\d+|GHSA-[a-z0-9-]+)\b`)

func TestLoadAlpineSubset(t *testing.T) {
	dir := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	wantIDs := map[string]map[string]string{} // cve -> pkg -> fixed
	zeros := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for pkg, sf := range secfixesOf(t, doc) {
			for fixed, ids := range sf {
				for _, id := range ids {
					if fixed == "0" {
						zeros++
						continue
					}
					if wantIDs[id] == nil {
						wantIDs[id] = map[string]string{}
					}
					wantIDs[id][pkg] = fixed
				}
			}
		}
	}
	st, advs := collect(t, dir, nil)
	if st.Files != len(files) || st.Records != len(wantIDs) || st.Malformed != 0 || st.Skipped != zeros+1 /* SOURCE.txt */ {
		t.Errorf("stats %v, want %d files, %d records, %d skipped", st, len(files), len(wantIDs), zeros+1)
	}
	for _, a := range advs {
		if a.Source != advisory.SourceAlpineSecDB {
			t.Errorf("%s: source %q", a.ID, a.Source)
		}
		for _, af := range a.Affected {
			if af.Ecosystem != "Alpine:v3.20" {
				t.Errorf("%s: ecosystem %q", a.ID, af.Ecosystem)
			}
			want := wantIDs[a.ID][af.Package]
			if len(af.Ranges) != 1 || len(af.Ranges[0].Events) != 2 ||
				af.Ranges[0].Events[0].Introduced != "0" || af.Ranges[0].Events[1].Fixed != want {
				t.Errorf("%s %s: ranges %+v, want {0, %s}", a.ID, af.Package, af.Ranges, want)
			}
		}
	}
}

func TestLoadAlpineLegacy(t *testing.T) {
	dir := testutil.Data(t, "advisories", "alpine-secdb-legacy")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	wantRecords, wantBad, zeros := 0, 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, sf := range secfixesOf(t, doc) {
			for fixed, entries := range sf {
				for _, e := range entries {
					if fixed == "0" {
						zeros++
						continue
					}
					m := cveOrXSA.FindString(e)
					if m == "" {
						wantBad++
						continue
					}
					ids[strings.NewReplacer("CVE ", "CVE-", "CVE_", "CVE-").Replace(m)] = true
				}
			}
		}
		wantRecords += len(ids)
	}
	st, advs := collect(t, dir, nil)
	t.Logf("%v; errors %q", st, st.Errors)
	if st.Files != len(files) || st.Records != wantRecords || st.Malformed != wantBad || st.Skipped != zeros {
		t.Errorf("stats %v, want %d files, %d records, %d malformed, %d skipped", st, len(files), wantRecords, wantBad, zeros)
	}
	ecos := map[string]bool{}
	for _, a := range advs {
		for _, af := range a.Affected {
			ecos[af.Ecosystem] = true
		}
	}
	for _, f := range files {
		want := "Alpine:" + filepath.Base(filepath.Dir(f))
		if !ecos[want] {
			t.Errorf("no advisory in %s", want)
		}
	}
}

func TestLoadSecDBBranchJSON(t *testing.T) {
	doc := `{"distroversion":"v3.20","reponame":"main","packages":[
	 {"pkg":{"name":"openssl","secfixes":{"0":["CVE-2022-1292"],"3.3.2-r1":["CVE-2024-9143"],"3.3.2-r2":["CVE-2024-13176","CVE-2024-9143"]}}},
	 {"pkg":{"name":"libxml2","secfixes":{"2.12.7-r0":["CVE-2024-9143"],"bad version!":["CVE-2000-0001"]}}}]}`
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.json"), []byte(doc), 0o644)
	st, advs := collect(t, dir, nil)
	if st.Records != 2 || st.Skipped != 1 || st.Malformed != 1 {
		t.Fatalf("stats %v %q", st, st.Errors)
	}
	// CVE-2024-9143 is one advisory with two packages; openssl lists it
	// under two fixed versions.
	a := advs[1]
	if a.ID != "CVE-2024-9143" || len(a.Affected) != 2 || a.Affected[0].Package != "libxml2" ||
		len(a.Affected[1].Ranges) != 2 || a.Affected[1].Ranges[0].Events[1].Fixed != "3.3.2-r1" {
		t.Errorf("advisory %+v", a)
	}
	for _, x := range advs {
		if x.ID == "CVE-2022-1292" {
			t.Error("fixed-in-0 entry produced an advisory")
		}
	}
}

func TestLoadMalformed(t *testing.T) {
	osv := func(affected string) string {
		return `{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[` + affected + `]}`
	}
	pkg := `"package":{"ecosystem":"PyPI","name":"Foo_Bar"}`
	cases := []struct {
		name, file, content string
		records, malformed  int
		withdrawn, skipped  int
		reason              string
	}{
		{"valid", "a.json", osv(`{` + pkg + `,"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2"}]}]}`), 1, 0, 0, 0, ""},
		{"bad json", "a.json", `{"id": "X-1", "affected": [}`, 0, 1, 0, 0, "bad JSON"},
		{"bad yaml", "a.yaml", "id: X-1\naffected: [\n", 0, 1, 0, 0, "bad YAML"},
		{"unknown ecosystem", "a.json", osv(`{"package":{"ecosystem":"Nonesuch","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}`), 0, 1, 0, 0, "unsupported ecosystem"},
		{"fixed below introduced", "a.json", osv(`{` + pkg + `,"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0"},{"fixed":"1.0"}]}]}`), 0, 1, 0, 0, "impossible range"},
		{"last_affected below introduced", "a.json", osv(`{` + pkg + `,"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0"},{"last_affected":"1.9"}]}]}`), 0, 1, 0, 0, "impossible range"},
		{"empty events", "a.json", osv(`{` + pkg + `,"ranges":[{"type":"ECOSYSTEM","events":[]}]}`), 0, 1, 0, 0, "empty events"},
		{"no introduced", "a.json", osv(`{` + pkg + `,"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1.0"}]}]}`), 0, 1, 0, 0, "no introduced"},
		{"two fields in one event", "a.json", osv(`{` + pkg + `,"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1.0"}]}]}`), 0, 1, 0, 0, "exactly one"},
		{"bad version", "a.json", osv(`{` + pkg + `,"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"not a version"}]}]}`), 0, 1, 0, 0, "invalid PEP 440"},
		{"missing id", "a.json", `{"affected":[]}`, 0, 1, 0, 0, "not an OSV record"},
		{"withdrawn", "a.json", `{"id":"X-1","withdrawn":"2024-01-01T00:00:00Z","affected":[]}`, 0, 0, 1, 0, ""},
		{"git only", "a.json", osv(`{` + pkg + `,"ranges":[{"type":"GIT","repo":"r","events":[{"introduced":"abc"}]}]}`), 0, 0, 0, 1, ""},
		{"not a feed file", "LICENSE", "MIT licence text", 0, 0, 0, 1, ""},
		{"bad CVSS kept as no score", "a.json", `{"id":"X-1","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/garbage"}],"affected":[{` + pkg + `,"versions":["1.0"]}]}`, 1, 0, 0, 0, ""},
		{"array of records", "a.json", `[` + osv(`{`+pkg+`,"versions":["1.0"]}`) + `, 42]`, 1, 1, 0, 0, "bad JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			st, advs := collect(t, dir, nil)
			if st.Records != tc.records || st.Malformed != tc.malformed || st.Withdrawn != tc.withdrawn || st.Skipped != tc.skipped {
				t.Fatalf("stats %v, errors %q", st, st.Errors)
			}
			if tc.reason != "" && (len(st.Errors) == 0 || !strings.Contains(strings.Join(st.Errors, "\n"), tc.reason) || !strings.HasPrefix(st.Errors[0], tc.file)) {
				t.Errorf("errors %q, want one naming %s and %q", st.Errors, tc.file, tc.reason)
			}
			if tc.name == "valid" && (advs[0].Affected[0].Package != "foo-bar") {
				t.Errorf("PyPI name not normalised: %q", advs[0].Affected[0].Package)
			}
		})
	}
}

func TestLoadSourceErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(context.Background(), filepath.Join(dir, "missing"), nil, func(*advisory.Advisory) error { return nil }); err == nil {
		t.Error("missing path: no error")
	}
	// A truncated tar.gz is an unreadable source.
	p := testutil.Data(t, "advisories", "osv-crates.tar.gz")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	trunc := filepath.Join(dir, "trunc.tar.gz")
	os.WriteFile(trunc, b[:len(b)/2], 0o644)
	if _, err := Load(context.Background(), trunc, nil, func(*advisory.Advisory) error { return nil }); err == nil {
		t.Error("truncated tar.gz: no error")
	}
	// emit's error stops the load and is returned.
	boom := errors.New("boom")
	n := 0
	st, err := Load(context.Background(), p, nil, func(*advisory.Advisory) error {
		n++
		if n == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || st.Records != 2 {
		t.Errorf("emit error: err %v, records %d", err, st.Records)
	}
	// A cancelled context stops it too.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, p, nil, func(*advisory.Advisory) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// zipFromTarGz rebuilds a tar.gz as a zip, the shape of OSV's all.zip.
func zipFromTarGz(t *testing.T, p string) []byte {
	t.Helper()
	members := tarMembers(t, p)
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(strings.TrimPrefix(n, "./"))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(members[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadHTTPAndZip(t *testing.T) {
	p := testutil.Data(t, "advisories", "osv-go-vulndb.tar.gz")
	tgz, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	zipped := zipFromTarGz(t, p)
	secdb, err := os.ReadFile(testutil.Data(t, "advisories", "alpine-secdb-3.20-subset", "openssl.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/go/osv.tar.gz":
			w.Write(tgz)
		case "/Go/all.zip":
			w.Write(zipped)
		case "/v3.20/openssl.json":
			w.Write(secdb)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	local, _ := collect(t, p, nil)
	for _, u := range []string{srv.URL + "/go/osv.tar.gz", srv.URL + "/Go/all.zip"} {
		st, _ := collect(t, u, srv.Client())
		if st.Records != local.Records || st.Withdrawn != local.Withdrawn || st.Files != local.Files || st.Malformed != 0 {
			t.Errorf("%s: %v, local %v", u, st, local)
		}
	}
	// The same zip from disk.
	zp := filepath.Join(t.TempDir(), "all.zip")
	os.WriteFile(zp, zipped, 0o644)
	if st, _ := collect(t, zp, nil); st.Records != local.Records {
		t.Errorf("zip file: %v, local %v", st, local)
	}
	st, advs := collect(t, srv.URL+"/v3.20/openssl.json", srv.Client())
	if st.Records == 0 || advs[0].Affected[0].Ecosystem != "Alpine:v3.20" {
		t.Errorf("secdb over HTTP: %v", st)
	}
	if _, err := Load(context.Background(), srv.URL+"/nope.zip", srv.Client(), func(*advisory.Advisory) error { return nil }); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: err %v", err)
	}
}

func TestNoPanicOnTruncatedDocs(t *testing.T) {
	b, err := os.ReadFile(testutil.Data(t, "advisories", "osv-ghsa-npm-subset", "GHSA-p6mc-m468-83gw.json"))
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(b); n += 97 {
		l := &loader{ctx: context.Background(), stats: &Stats{}, emit: func(*advisory.Advisory) error { return nil }}
		if err := l.loadDoc("x.json", bytes.NewReader(b[:n])); err != nil {
			t.Fatalf("prefix %d: %v", n, err)
		}
		if l.stats.Records+l.stats.Malformed+l.stats.Skipped != 1 {
			t.Fatalf("prefix %d: stats %v", n, *l.stats)
		}
	}
}
