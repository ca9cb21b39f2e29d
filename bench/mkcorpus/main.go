// Command mkcorpus writes a synthetic vulnerability corpus at the volumes of
// the real public feeds, made from the shapes of the real records in
// ../shared/testdata (issue 19):
//
//	OUT/osv/<Ecosystem>/all.zip  OSV records zipped per ecosystem, as the
//	                             OSV bucket publishes them (npm 200k incl.
//	                             MAL entries, Debian 60k, Ubuntu 50k, PyPI
//	                             15k, Alpine 10k, Maven 5.5k, Go 4.5k,
//	                             crates.io 1.8k)
//	OUT/cve/cves.zip             CVE JSON 5 records laid out like the
//	                             cvelistV5 archive (300k)
//	OUT/cve/kev.json             the real KEV catalog
//	OUT/cve/epss.csv.gz          one EPSS row per synthetic CVE
//
// Each synthetic record copies a real record of a matching kind (Go,
// crates.io, GHSA npm, AlmaLinux, PyPI OSV records; CVE JSON 5 records) and
// gets its own id, package name and, for distributions, versions in the
// distribution's syntax. The npm MAL (malicious package) records follow the
// layout of OSSF malicious-packages records; no real one is in the shared
// data. Output is deterministic: the same flags give byte-identical files.
//
// -day writes "a day's changes" over an existing corpus, rewriting only the
// archives that change: 700 new npm MAL records, 200 modified Debian and
// 100 modified Ubuntu records (1,000 records in three of the eleven files);
// in the CVE List 200 modified and 100 new records (at -scale 1), and a
// new EPSS file (the next day's scores: nearly every row changes).
//
// The CVE List archive holds cvelistV5-main/cves/deltaLog.json, as the
// real one does; next to it, OUT/cve/repo/cves/ holds what the
// repository serves file by file: deltaLog.json and the records -day
// changes or adds (what a record-level update of the CVE List fetches).
//
// Next to each all.zip, as the OSV bucket publishes them, go
// modified_id.csv ("<modified>,<id>" per record, newest first) and, as
// <id>.json, the records that -day changes or adds (in their current
// version): what a record-level update fetches. -index writes only those
// (and no archive), for a corpus made before they existed.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

type ecoSpec struct {
	dir    string   // OSV bucket folder name
	ecos   []string // OSV ecosystem names used in records (releases)
	n      int      // records
	pool   string   // shape pool
	names  int      // distinct package names
	mode   string   // version rewriting: "keep", "semver", "debian", "ubuntu", "alpine", "maven"
	prefix string   // id prefix
	dayMod int      // with -day: every dayMod-th record is modified (0: none)
	dayNew int      // with -day: records added
}

var specs = []ecoSpec{
	{dir: "npm", ecos: []string{"npm"}, n: 200000, pool: "semver", names: 0, mode: "semver", prefix: "GHSA", dayNew: 700},
	{dir: "Debian", ecos: []string{"Debian:11", "Debian:12", "Debian:13"}, n: 60000, pool: "distro", names: 6000, mode: "debian", prefix: "DEBIAN-CVE", dayMod: 300},
	{dir: "Ubuntu", ecos: []string{"Ubuntu:20.04:LTS", "Ubuntu:22.04:LTS", "Ubuntu:24.04:LTS"}, n: 50000, pool: "distro", names: 5000, mode: "ubuntu", prefix: "UBUNTU-CVE", dayMod: 500},
	{dir: "PyPI", ecos: []string{"PyPI"}, n: 15000, pool: "pypi", names: 4000, mode: "keep", prefix: "PYSEC"},
	{dir: "Alpine", ecos: []string{"Alpine:v3.18", "Alpine:v3.19", "Alpine:v3.20", "Alpine:v3.21"}, n: 10000, pool: "distro", names: 1500, mode: "alpine", prefix: "ALPINE-CVE"},
	{dir: "Maven", ecos: []string{"Maven"}, n: 5500, pool: "semver", names: 2500, mode: "maven", prefix: "GHSA-MVN"},
	{dir: "Go", ecos: []string{"Go"}, n: 4500, pool: "go", names: 0, mode: "keep", prefix: "GO"},
	{dir: "crates.io", ecos: []string{"crates.io"}, n: 1800, pool: "crates", names: 0, mode: "keep", prefix: "RUSTSEC"},
}

// malShare is the part of npm records that are MAL entries.
const malShare = 0.9

func main() {
	data := flag.String("testdata", "../shared/testdata", "the shared test data folder")
	out := flag.String("out", "", "output folder (required)")
	scale := flag.Float64("scale", 1, "multiply every record count (0.05 for a quick run)")
	cves := flag.Int("cves", 300000, "CVE JSON 5 records (before -scale)")
	day := flag.Bool("day", false, "write a day's changes over an existing corpus (changed archives only)")
	restore := flag.Bool("restore", false, "undo -day: write the base version of the archives -day changes")
	index := flag.Bool("index", false, "write only modified_id.csv and the changing records' files of every ecosystem (no archive)")
	flag.Parse()
	if *out == "" {
		log.Fatal("mkcorpus: -out is required")
	}
	g, err := loadShapes(*data)
	if err != nil {
		log.Fatalf("mkcorpus: %v", err)
	}
	total := 0
	for _, s := range specs {
		s.n = max(1, int(float64(s.n)**scale))
		s.names = int(float64(s.names) * *scale)
		if (*day || *restore) && s.dayMod == 0 && s.dayNew == 0 {
			continue
		}
		n, err := g.writeEco(filepath.Join(*out, "osv", s.dir, "all.zip"), s, *day, !*index)
		if err != nil {
			log.Fatalf("mkcorpus: %s: %v", s.dir, err)
		}
		total += n
		fmt.Printf("%s: %d records\n", s.dir, n)
	}
	if !*index {
		n := max(1, int(float64(*cves)**scale))
		if err := g.writeCVEs(filepath.Join(*out, "cve"), n, *data, *day); err != nil {
			log.Fatalf("mkcorpus: CVEs: %v", err)
		}
		fmt.Printf("CVE JSON 5: %d records, EPSS rows: %d\n", n, n)
	}
	fmt.Printf("OSV records written: %d\n", total)
}

type gen struct {
	pools map[string][][]byte // JSON of real records by kind
	cve5  [][]byte
}

func loadShapes(data string) (*gen, error) {
	g := &gen{pools: map[string][][]byte{}}
	adv := filepath.Join(data, "advisories")
	for _, t := range []struct{ file, pool string }{
		{"osv-go-vulndb.tar.gz", "go"},
		{"osv-crates.tar.gz", "crates"},
		{"osv-almalinux.tar.gz", "distro"},
		{"osv-pypi.tar.gz", "pypi"},
	} {
		docs, err := readTarGz(filepath.Join(adv, t.file))
		if err != nil {
			return nil, err
		}
		g.pools[t.pool] = append(g.pools[t.pool], docs...)
	}
	npm, _ := filepath.Glob(filepath.Join(adv, "osv-ghsa-npm-subset", "*.json"))
	for _, f := range npm {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		g.pools["semver"] = append(g.pools["semver"], b)
	}
	// GHSA-style semver records: the real npm ones plus Go and RustSec
	// records, whose ranges are SEMVER too.
	g.pools["semver"] = append(g.pools["semver"], g.pools["go"]...)
	g.pools["semver"] = append(g.pools["semver"], g.pools["crates"]...)
	files, _ := filepath.Glob(filepath.Join(data, "enrichment", "cve5", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		g.cve5 = append(g.cve5, b)
	}
	for k, p := range g.pools {
		if len(p) == 0 {
			return nil, fmt.Errorf("no %s records under %s", k, adv)
		}
	}
	if len(g.cve5) == 0 {
		return nil, fmt.Errorf("no CVE JSON 5 records under %s", data)
	}
	return g, nil
}

// readTarGz returns every JSON or YAML member of a tar.gz as JSON.
func readTarGz(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tr := tar.NewReader(gz)
	var out [][]byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		ext := filepath.Ext(h.Name)
		if h.Typeflag != tar.TypeReg || (ext != ".json" && ext != ".yaml") {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, h.Name, err)
		}
		var m map[string]any
		if ext == ".yaml" {
			err = yaml.Unmarshal(b, &m)
		} else {
			err = json.Unmarshal(b, &m)
		}
		if err != nil || m["affected"] == nil {
			continue // not an advisory (e.g. a schema file)
		}
		if b, err = json.Marshal(m); err == nil {
			out = append(out, b)
		}
	}
}

var epoch = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func (g *gen) writeEco(path string, s ecoSpec, day, archive bool) (int, error) {
	rng := rand.New(rand.NewPCG(uint64(len(s.dir)), 19))
	nMAL := 0
	if s.dir == "npm" {
		nMAL = int(float64(s.n) * malShare)
	}
	n := s.n
	if day {
		n += s.dayNew
	}
	var (
		w      *zip.Writer
		finish = func() error { return nil }
		err    error
	)
	if archive {
		if w, finish, err = createZip(path); err != nil {
			return 0, err
		}
	}
	dir := filepath.Dir(path)
	type row struct {
		mod time.Time
		id  string
	}
	rows := make([]row, 0, n)
	pool := g.pools[s.pool]
	// Without the day's changes, its new records are not published.
	for i := s.n; i < s.n+s.dayNew && !day; i++ {
		if err := os.Remove(filepath.Join(dir, malID(i)+".json")); err != nil && !os.IsNotExist(err) {
			return 0, err
		}
	}
	for i := 0; i < n; i++ {
		modified := day && s.dayMod > 0 && i%s.dayMod == 0
		var rec map[string]any
		var id string
		if i < nMAL || i >= s.n { // MAL entries, and the day's new records
			id = malID(i)
			rec = malRecord(id, fmt.Sprintf("mal-pkg-%d", i), rng)
		} else {
			id = fmt.Sprintf("%s-%d-%d", s.prefix, 1999+i%28, i)
			if err := json.Unmarshal(pool[(i*7919)%len(pool)], &rec); err != nil {
				return 0, err
			}
			rewrite(rec, s, i, rng, modified)
		}
		rec["id"] = id
		mod := epoch.Add(-time.Duration(i%1000) * time.Hour)
		if modified || i >= s.n {
			mod = epoch.Add(24 * time.Hour)
		}
		rec["modified"] = mod.Format(time.RFC3339)
		b, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			return 0, err
		}
		rows = append(rows, row{mod, id})
		if w != nil {
			if err := addMember(w, id+".json", b); err != nil {
				return 0, err
			}
		}
		if s.dayMod > 0 && i%s.dayMod == 0 || i >= s.n {
			// A record the day changes or adds, as the bucket serves it.
			if err := os.WriteFile(filepath.Join(dir, id+".json"), b, 0o644); err != nil {
				return 0, err
			}
		}
	}
	if err := finish(); err != nil {
		return 0, err
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].mod.After(rows[j].mod) })
	var csv bytes.Buffer
	for _, r := range rows {
		fmt.Fprintf(&csv, "%s,%s\n", r.mod.Format(time.RFC3339), r.id)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "modified_id.csv.tmp"), csv.Bytes(), 0o644); err != nil {
		return 0, err
	}
	return n, os.Rename(filepath.Join(dir, "modified_id.csv.tmp"), filepath.Join(dir, "modified_id.csv"))
}

func malID(i int) string { return fmt.Sprintf("MAL-%d-%d", 2022+i%5, i) }

// rewrite gives a copied record the target ecosystem, package names and
// versions in the ecosystem's syntax.
func rewrite(rec map[string]any, s ecoSpec, i int, rng *rand.Rand, modified bool) {
	affs, _ := rec["affected"].([]any)
	if len(affs) == 0 {
		return
	}
	// Distribution OSV records (Debian, Ubuntu, Alpine) name one source
	// package per release; AlmaLinux records name every binary package.
	if s.mode == "debian" || s.mode == "ubuntu" || s.mode == "alpine" {
		affs = affs[:1]
	}
	name := pkgName(s, i, rng)
	var out []any
	for j, a := range affs {
		am, ok := a.(map[string]any)
		if !ok {
			continue
		}
		pkg, _ := am["package"].(map[string]any)
		if pkg == nil {
			continue
		}
		eco := s.ecos[(i+j)%len(s.ecos)]
		pkg["ecosystem"] = eco
		delete(pkg, "purl")
		if s.names > 0 {
			if j > 0 {
				name = pkgName(s, i+j*131, rng)
			}
			pkg["name"] = name
		} else if s.mode == "semver" || s.mode == "keep" {
			// Keep real names, made unique per copy round so keys grow
			// with the corpus like the real feeds' do.
			if nm, ok := pkg["name"].(string); ok && i >= 5000 {
				pkg["name"] = fmt.Sprintf("%s-%d", nm, i/5000)
			}
		}
		if s.dir == "npm" {
			pkg["name"] = fmt.Sprintf("npm-pkg-%d", rng.IntN(max(1, s.n/4)))
		}
		if s.mode != "keep" {
			delete(am, "versions")
			delete(am, "ecosystem_specific")
			rewriteRanges(am, s.mode, i, modified)
		}
		out = append(out, am)
	}
	rec["affected"] = out
}

func pkgName(s ecoSpec, i int, rng *rand.Rand) string {
	switch s.mode {
	case "maven":
		k := rng.IntN(max(1, s.names))
		return fmt.Sprintf("org.example%d:artifact-%d", k%97, k)
	default:
		// A skewed choice: a few packages (the kernel, openssl, ...)
		// carry most of a distribution's CVEs, like the real feeds.
		k := int(float64(max(1, s.names)) * rng.Float64() * rng.Float64())
		return fmt.Sprintf("src%d-%s", k, strings.ToLower(s.dir))
	}
}

// rewriteRanges puts versions in the target syntax: the numeric part of the
// real version plus the distribution's revision ("-1+deb12u1", "-0ubuntu0.1",
// "-r2"); Maven ranges are ECOSYSTEM.
func rewriteRanges(am map[string]any, mode string, i int, modified bool) {
	ranges, _ := am["ranges"].([]any)
	var keep []any
	for _, r := range ranges {
		rm, ok := r.(map[string]any)
		if !ok {
			continue
		}
		if t, _ := rm["type"].(string); t == "GIT" {
			continue
		}
		rm["type"] = "ECOSYSTEM"
		if mode == "semver" {
			rm["type"] = "SEMVER"
		}
		delete(rm, "repo")
		evs, _ := rm["events"].([]any)
		for _, e := range evs {
			em, ok := e.(map[string]any)
			if !ok {
				continue
			}
			for k, v := range em {
				sv, ok := v.(string)
				if !ok || sv == "0" {
					continue
				}
				em[k] = version(sv, mode, i, modified)
			}
		}
		keep = append(keep, rm)
	}
	am["ranges"] = keep
}

func version(v, mode string, i int, modified bool) string {
	if c := strings.IndexByte(v, ':'); c >= 0 {
		v = v[c+1:]
	}
	v = strings.TrimPrefix(v, "v")
	end := 0
	for end < len(v) && (v[end] == '.' || v[end] >= '0' && v[end] <= '9') {
		end++
	}
	num := strings.Trim(v[:end], ".")
	if num == "" {
		num = "1.0"
	}
	rev := 1 + i%5
	if modified {
		rev += 10
	}
	switch mode {
	case "debian":
		return fmt.Sprintf("%s-%d+deb12u%d", num, rev, 1+i%3)
	case "ubuntu":
		return fmt.Sprintf("%s-%dubuntu0.%d", num, rev, 1+i%3)
	case "alpine":
		return fmt.Sprintf("%s-r%d", num, rev)
	}
	if strings.Count(num, ".") == 0 {
		num += ".0.0"
	} else if strings.Count(num, ".") == 1 {
		num += ".0"
	}
	return num
}

// malRecord is an OSSF malicious-packages record for npm.
func malRecord(id, name string, rng *rand.Rand) map[string]any {
	sha := fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())
	origins := []any{map[string]any{
		"source": "ossf-package-analysis", "sha256": sha,
		"import_time": "2024-05-01T12:00:00Z", "modified_time": "2024-05-01T11:00:00Z",
		"versions": []any{"1.0.0"},
	}}
	return map[string]any{
		"schema_version": "1.5.0",
		"published":      "2024-05-01T12:00:00Z",
		"summary":        "Malicious code in " + name + " (npm)",
		"details":        "\n---\n_-= Per source details. Do not edit below this line.=-_\n\n## Source: ossf-package-analysis (" + sha + ")\nThe OpenSSF Package Analysis project identified '" + name + "' @ 1.0.0 (npm) as malicious.\n\nIt is considered malicious because:\n\n- The package communicates with a domain associated with malicious activity.\n- The package executes one or more commands associated with malicious behavior.\n",
		"affected": []any{map[string]any{
			"package":           map[string]any{"ecosystem": "npm", "name": name},
			"ranges":            []any{map[string]any{"type": "SEMVER", "events": []any{map[string]any{"introduced": "0"}}}},
			"database_specific": map[string]any{"malicious-packages-origins": origins},
		}},
		"database_specific": map[string]any{"malicious-packages-origins": origins},
	}
}

// The CVE List's day: every cveDayMod-th record changes, cveDayNew per
// 300,000 are added; the archive's fetches are at cveT0 and, with the
// day, cveT1.
const (
	cveDayMod = 1500
	cveDayNew = 100
)

var (
	cveT0 = time.Date(2026, 12, 1, 0, 5, 0, 0, time.UTC)
	cveT1 = cveT0.Add(24 * time.Hour)
)

func (g *gen) writeCVEs(dir string, n int, data string, day bool) error {
	w, finish, err := createZip(filepath.Join(dir, "cves.zip"))
	if err != nil {
		return err
	}
	repo := filepath.Join(dir, "repo", "cves")
	if err := os.RemoveAll(repo); err != nil {
		return err
	}
	// The delta log: the base fetch, and the day's first when it is there.
	type item struct {
		CVEID       string `json:"cveId"`
		CVEOrgLink  string `json:"cveOrgLink"`
		GithubLink  string `json:"githubLink"`
		DateUpdated string `json:"dateUpdated"`
	}
	type fetch struct {
		FetchTime       string `json:"fetchTime"`
		NumberOfChanges int    `json:"numberOfChanges"`
		New             []item `json:"new"`
		Updated         []item `json:"updated"`
		Error           []item `json:"error"`
	}
	today := fetch{FetchTime: cveT1.Format(time.RFC3339Nano), New: []item{}, Updated: []item{}, Error: []item{}}
	base := fetch{FetchTime: cveT0.Format(time.RFC3339Nano), New: []item{}, Updated: []item{}, Error: []item{}}
	dayNew := max(1, n*cveDayNew/300000)
	var epss bytes.Buffer
	scoreDate, shift := "2026-12-01", 0
	if day {
		scoreDate, shift = "2026-12-02", 7
	}
	epss.WriteString("#model_version:v2025.03.14,score_date:" + scoreDate + "T00:00:00+0000\ncve,epss,percentile\n")
	perYear := n/28 + 1
	recs := map[string][]byte{}
	total := n
	if day {
		total += dayNew
	}
	for i := 0; i < total; i++ {
		shape := g.cve5[i%len(g.cve5)]
		var m map[string]any
		if err := json.Unmarshal(shape, &m); err != nil {
			return err
		}
		meta, _ := m["cveMetadata"].(map[string]any)
		old, _ := meta["cveId"].(string)
		year := 1999 + i/perYear
		id := fmt.Sprintf("CVE-%d-%d", year, 1000+i%perYear)
		b := bytes.ReplaceAll(shape, []byte(old), []byte(id))
		// Splice the id into the description so no two are identical.
		prefix := id + ": "
		changed := day && (i%cveDayMod == 0 || i >= n)
		if changed && i < n {
			prefix = id + " (updated 2026-12-02): "
		}
		b = bytes.Replace(b, []byte(`"value":"`), []byte(`"value":"`+prefix), 1)
		b = bytes.Replace(b, []byte(`"value": "`), []byte(`"value": "`+prefix), 1)
		num := 1000 + i%perYear
		path := fmt.Sprintf("%d/%dxxx/%s.json", year, num/1000, id)
		if err := addMember(w, "cvelistV5-main/cves/"+path, b); err != nil {
			return err
		}
		if changed {
			it := item{id, "https://www.cve.org/CVERecord?id=" + id,
				"https://raw.githubusercontent.com/CVEProject/cvelistV5/main/cves/" + path, cveT1.Format(time.RFC3339Nano)}
			if i >= n {
				today.New = append(today.New, it)
			} else {
				today.Updated = append(today.Updated, it)
			}
			recs[path] = b
		}
		fmt.Fprintf(&epss, "%s,%.5f,%.5f\n", id, float64((i+shift)%997)/1000, float64((i+shift)%991)/1000)
	}
	log := []fetch{base}
	if day {
		today.NumberOfChanges = len(today.New) + len(today.Updated)
		log = []fetch{today, base}
	}
	lb, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		return err
	}
	if err := addMember(w, "cvelistV5-main/cves/deltaLog.json", lb); err != nil {
		return err
	}
	if err := finish(); err != nil {
		return err
	}
	for path, b := range recs {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(repo, path)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(repo, path), b, 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(repo, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(repo, "deltaLog.json"), lb, 0o644); err != nil {
		return err
	}
	var gzb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gzb, gzip.BestSpeed)
	zw.Write(epss.Bytes())
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "epss.csv.gz"), gzb.Bytes(), 0o644); err != nil {
		return err
	}
	kev, err := os.ReadFile(filepath.Join(data, "enrichment", "kev", "known_exploited_vulnerabilities.json"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "kev.json"), kev, 0o644)
}

// createZip writes a zip to a temporary file renamed to path by finish.
func createZip(path string) (*zip.Writer, func() error, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, err
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return nil, nil, err
	}
	w := zip.NewWriter(f)
	return w, func() error {
		if err := w.Close(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return os.Rename(path+".tmp", path)
	}, nil
}

func addMember(w *zip.Writer, name string, b []byte) error {
	fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: epoch})
	if err != nil {
		return err
	}
	_, err = fw.Write(b)
	return err
}
