package match_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// rawVectors reads the enrichment data independently of package enrich:
// every "vectorString" under a CVE JSON 5 record's cna container, CISA's
// ADP container, and NVD's Primary/Secondary metrics, by source.
func rawVectors(t *testing.T, dir string) map[string]map[string][]string {
	t.Helper()
	out := map[string]map[string][]string{} // cve -> source -> vectors
	add := func(cve, src, vec string) {
		if out[cve] == nil {
			out[cve] = map[string][]string{}
		}
		out[cve][src] = append(out[cve][src], vec)
	}
	var walkVecs func(v any, fn func(string))
	walkVecs = func(v any, fn func(string)) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if s, ok := y.(string); ok && k == "vectorString" {
					fn(s)
				}
				walkVecs(y, fn)
			}
		case []any:
			for _, y := range x {
				walkVecs(y, fn)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "cve5", "*.json"))
	for _, f := range files {
		var d map[string]any
		b, err := os.ReadFile(f)
		if err != nil || json.Unmarshal(b, &d) != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cve := d["cveMetadata"].(map[string]any)["cveId"].(string)
		c := d["containers"].(map[string]any)
		cna := c["cna"].(map[string]any)
		walkVecs(cna["metrics"], func(s string) { add(cve, report.SourceCNA, s) })
		// A qualitative word in an "other" metric (OpenSSL: {"text":"Low"}).
		if ms, ok := cna["metrics"].([]any); ok {
			for _, m := range ms {
				if o, ok := m.(map[string]any)["other"].(map[string]any); ok {
					if ct, ok := o["content"].(map[string]any); ok {
						for _, k := range []string{"text", "value"} {
							if w, ok := ct[k].(string); ok {
								add(cve, "cna-word", strings.ToUpper(w))
							}
						}
					}
				}
			}
		}
		if adps, ok := c["adp"].([]any); ok {
			for _, a := range adps {
				am := a.(map[string]any)
				if am["providerMetadata"].(map[string]any)["shortName"] == "CISA-ADP" {
					walkVecs(am["metrics"], func(s string) { add(cve, report.SourceCISAADP, s) })
				}
			}
		}
	}
	nvd := func(c map[string]any) {
		cve := c["id"].(string)
		ms, _ := c["metrics"].(map[string]any)
		for _, list := range ms {
			for _, m := range list.([]any) {
				mm := m.(map[string]any)
				src := report.SourceCNA
				if mm["type"] == "Primary" {
					src = report.SourceNVD
				}
				walkVecs(mm["cvssData"], func(s string) { add(cve, src, s) })
			}
		}
	}
	_ = filepath.WalkDir(filepath.Join(dir, "nvd2"), func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		var d map[string]any
		b, _ := os.ReadFile(p)
		if json.Unmarshal(b, &d) != nil {
			t.Fatalf("%s: bad JSON", p)
		}
		if vs, ok := d["vulnerabilities"].([]any); ok {
			for _, v := range vs {
				nvd(v.(map[string]any)["cve"].(map[string]any))
			}
		} else if _, ok := d["id"]; ok {
			nvd(d)
		}
		return nil
	})
	return out
}

// libScore scores a vector with the CVSS library directly.
func libScore(t *testing.T, vec string) float64 {
	t.Helper()
	switch {
	case strings.HasPrefix(vec, "CVSS:4.0/"):
		v, err := gocvss40.ParseVector(vec)
		if err != nil {
			t.Fatalf("%s: %v", vec, err)
		}
		return v.Score()
	case strings.HasPrefix(vec, "CVSS:3.1/"):
		v, err := gocvss31.ParseVector(vec)
		if err != nil {
			t.Fatalf("%s: %v", vec, err)
		}
		return v.BaseScore()
	case strings.HasPrefix(vec, "CVSS:3.0/"):
		v, err := gocvss30.ParseVector(vec)
		if err != nil {
			t.Fatalf("%s: %v", vec, err)
		}
		return v.BaseScore()
	}
	v, err := gocvss20.ParseVector(vec)
	if err != nil {
		t.Fatalf("%s: %v", vec, err)
	}
	return v.BaseScore()
}

func band(score float64, v2 bool) report.Severity {
	switch {
	case v2 && score >= 7:
		return "HIGH"
	case v2 && score >= 4:
		return "MEDIUM"
	case v2:
		return "LOW"
	case score >= 9:
		return "CRITICAL"
	case score >= 7:
		return "HIGH"
	case score >= 4:
		return "MEDIUM"
	case score > 0:
		return "LOW"
	}
	return "NEGLIGIBLE"
}

// TestEnrichedAlpineFixture scans the shared Alpine fixture image (Alpine
// 3.20.3, a Go binary, a node_modules tree) against a database built from
// every shared advisory feed plus the shared enrichment data, and checks
// each finding's severity against the records themselves: a finding rated
// by cna, nvd or cisa-adp has the score the CVSS library computes from a
// vector of that source in the raw record, and the severity of its band;
// a finding whose CVEs no source scores, and whose feed gives no
// severity, is UNKNOWN with no source.
func TestEnrichedAlpineFixture(t *testing.T) {
	adv := testutil.Data(t, "advisories")
	enr := testutil.Data(t, "enrichment")
	img := testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.oci.tar")
	ctx := context.Background()

	entries, err := os.ReadDir(adv)
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for _, e := range entries {
		srcs = append(srcs, filepath.Join(adv, e.Name()))
	}
	srcs = append(srcs, enr)
	dbPath := filepath.Join(t.TempDir(), "enriched.db")
	info, err := vulndbbuild.Build(ctx, dbPath, srcs, vulndbbuild.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Enrichment == nil || info.Enrichment.KEV < 1000 || info.Enrichment.WithCVSS < 600 {
		t.Fatalf("enrichment stored: %+v, want the whole KEV catalog and 600+ scored CVEs", info.Enrichment)
	}
	db, err := vulndb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	src, err := source.Open(ctx, "oci-archive:"+img, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s := &scan.Scanner{Analyzers: all.Analyzers(), AnalyzersVersion: all.Version(), OSPriority: all.OSPriority, Cache: layer.NewMemCache(0)}
	rep, err := s.Scan(ctx, scan.Target{Image: src.Image, Reference: src.Reference}, scan.Options{Matcher: scan.StoreMatcher{Store: db}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Vulnerabilities) < 100 {
		t.Fatalf("%d findings, want the fixture's 150+", len(rep.Vulnerabilities))
	}

	raw := rawVectors(t, enr)
	bySource := map[string]int{}
	titled, kev, unknownTitled, byType := 0, 0, 0, map[string]string{}
	for _, v := range rep.Vulnerabilities {
		bySource[v.SeveritySource]++
		byType[v.PackageType] += v.SeveritySource + ","
		if v.SeveritySource == "" && v.Title != "" {
			unknownTitled++
		}
		if v.Title != "" {
			titled++
		}
		if v.KEV != nil {
			kev++
		}
		name := v.ID + " " + v.Package
		if (v.Severity == "UNKNOWN") != (v.SeveritySource == "") {
			t.Errorf("%s: severity %s from %q: UNKNOWN must come with no source and only then", name, v.Severity, v.SeveritySource)
		}
		var cves []string
		for _, id := range append([]string{v.ID}, v.Aliases...) {
			if i := strings.Index(id, "CVE-"); i >= 0 {
				cves = append(cves, id[i:])
			}
		}
		scored := false
		for _, c := range cves {
			if len(raw[c]) > 0 {
				scored = true
			}
		}
		switch v.SeveritySource {
		case report.SourceCNA, report.SourceNVD, report.SourceCISAADP:
			if v.SeveritySource == report.SourceCNA && v.ScoreSource != report.SourceCNA {
				// Rated by the CNA's word, scored by a later source.
				words := []string{}
				for _, c := range cves {
					words = append(words, raw[c]["cna-word"]...)
				}
				if len(words) == 0 || words[0] != string(v.Severity) {
					t.Errorf("%s: severity %s from the CNA's word, raw words %v", name, v.Severity, words)
				}
				continue
			}
			if v.ScoreSource != v.SeveritySource {
				t.Errorf("%s: severity from %s, score from %s", name, v.SeveritySource, v.ScoreSource)
			}
			// The library's score of one of the raw record's vectors of
			// that source, newest version first, highest score.
			best, bestVer := -1.0, ""
			for _, c := range cves {
				for _, vec := range raw[c][v.SeveritySource] {
					ver := "2"
					if strings.HasPrefix(vec, "CVSS:") {
						ver = vec[5:6]
					}
					sc := libScore(t, vec)
					if ver > bestVer || (ver == bestVer && sc > best) {
						best, bestVer = sc, ver
					}
				}
			}
			if best < 0 {
				t.Errorf("%s: severity from %s, but the raw records of %v have no %s vector", name, v.SeveritySource, cves, v.SeveritySource)
				continue
			}
			if math.Abs(best-v.Score) > 1e-9 {
				t.Errorf("%s: score %.1f from %s, library says %.1f", name, v.Score, v.SeveritySource, best)
			}
			if want := band(best, bestVer == "2"); v.Severity != want {
				t.Errorf("%s: severity %s, the %s score %.1f is %s", name, v.Severity, v.SeveritySource, best, want)
			}
		case "":
			if scored {
				t.Errorf("%s: UNKNOWN although the enrichment data scores %v", name, cves)
			}
			if v.VendorSeverity != "" && v.VendorSeverity != "not yet assigned" {
				t.Errorf("%s: UNKNOWN although the feed says %q", name, v.VendorSeverity)
			}
		}
	}
	keys := make([]string, 0, len(bySource))
	for k := range bySource {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("severity source %-10q %d findings", k, bySource[k])
	}
	t.Logf("%d findings, %d with a title, %d in KEV; %d UNKNOWN findings have a title (a record without a score)", len(rep.Vulnerabilities), titled, kev, unknownTitled)
	for typ, srcs := range byType {
		n := map[string]int{}
		for _, s := range strings.Split(strings.TrimSuffix(srcs, ","), ",") {
			n[s]++
		}
		t.Logf("package type %s: %v", typ, n)
	}
	if bySource[""] == len(rep.Vulnerabilities) {
		t.Fatal("every finding is UNKNOWN")
	}
}
