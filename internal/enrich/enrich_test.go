package enrich

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestCVE5RealRecords reads every shared CVE JSON 5 record: the counts of
// records with CNA and with CISA ADP vectors are the ones the data's
// README states (560 and 104), and the Go CNA's records give titles.
func TestCVE5RealRecords(t *testing.T) {
	dir := testutil.Data(t, "enrichment")
	for _, tc := range []struct {
		sub               string
		files, cna, adp   int
		titled, v4AtLeast int
	}{
		{"cve5", 704, 560, 104, 0, 55},
		{"cve5-go-cna", 239, 0, 0, 239, 0},
	} {
		files, _ := filepath.Glob(filepath.Join(dir, tc.sub, "*.json"))
		if len(files) != tc.files {
			t.Fatalf("%s: %d files, want %d", tc.sub, len(files), tc.files)
		}
		var cna, adp, titled, v4 int
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if k := DetectJSON(b); k != KindCVE5 {
				t.Fatalf("%s detected as %v", f, k)
			}
			e, err := ParseCVE5(b)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if want := strings.TrimSuffix(filepath.Base(f), ".json"); tc.sub == "cve5" && e.ID != want {
				t.Errorf("%s: id %s", f, e.ID)
			}
			has := map[string]bool{}
			for _, c := range e.CVSS {
				has[c.Source] = true
				if c.Version == "4.0" {
					has["v4"] = true
				}
			}
			if has[report.SourceCNA] {
				cna++
			}
			if has[report.SourceCISAADP] {
				adp++
			}
			if has["v4"] {
				v4++
			}
			if e.Title != "" {
				titled++
			}
			if e.Description == "" {
				t.Errorf("%s: no description", f)
			}
		}
		if cna != tc.cna || adp != tc.adp || v4 < tc.v4AtLeast || titled < tc.titled {
			t.Errorf("%s: %d with CNA vectors, %d with ADP, %d with v4.0, %d titled; want %d, %d, >=%d, >=%d", tc.sub, cna, adp, v4, titled, tc.cna, tc.adp, tc.v4AtLeast, tc.titled)
		}
	}
}

// TestNVDKEVEPSSRealFiles reads the shared NVD pages and bare records,
// the KEV catalog and the EPSS samples.
func TestNVDKEVEPSSRealFiles(t *testing.T) {
	dir := testutil.Data(t, "enrichment")
	var n, scored int
	err := filepath.WalkDir(filepath.Join(dir, "nvd2"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if k := DetectJSON(b); k != KindNVD {
			t.Errorf("%s detected as %v", p, k)
		}
		_, err = ParseNVD(b, func(e *advisory.Enrichment) error {
			n++
			if len(e.CVSS) > 0 {
				scored++
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 63 || scored < 58 {
		t.Errorf("NVD: %d records, %d scored; want 63, >= 58", n, scored)
	}

	b, err := os.ReadFile(filepath.Join(dir, "kev", "known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatal(err)
	}
	var kev []*advisory.Enrichment
	info, err := ParseKEV(b, func(e *advisory.Enrichment) error { kev = append(kev, e); return nil })
	if err != nil || info.Entries != 1404 || info.CatalogVersion != "2025.08.25" {
		t.Fatalf("KEV: %+v, %v", info, err)
	}
	ransom := 0
	for _, e := range kev {
		if e.KEV.KnownRansomware {
			ransom++
		}
	}
	if ransom == 0 || ransom == len(kev) {
		t.Errorf("KEV: %d of %d known ransomware use", ransom, len(kev))
	}

	for _, tc := range []struct{ file, date, first string }{
		{"claircore-testdata-data.csv", "2024-10-25", "CVE-1999-0005"},
		{"vunnel-example-1.csv", "2025-02-20", "CVE-1999-0001"},
	} {
		f, err := os.Open(filepath.Join(dir, "epss", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		var rows []*advisory.Enrichment
		info, err := ParseEPSS(f, func(e *advisory.Enrichment) error { rows = append(rows, e); return nil })
		f.Close()
		if err != nil || info.ScoreDate != tc.date || len(rows) == 0 || rows[0].ID != tc.first || rows[0].EPSS.Date != tc.date {
			t.Errorf("%s: %+v, %d rows, %v", tc.file, info, len(rows), err)
		}
	}
}

// TestMalformed: every parser names the cause; none panics.
func TestMalformed(t *testing.T) {
	nop := func(*advisory.Enrichment) error { return nil }
	cases := []struct {
		name, in, want string
		parse          func(string) error
	}{
		{"cve5 truncated", `{"cveMetadata":{"cveId":"CVE-2024-1"`, "bad CVE JSON 5", cve5},
		{"cve5 bad id", `{"cveMetadata":{"cveId":"GHSA-1"},"containers":{"cna":{}}}`, "not a CVE id", cve5},
		{"cve5 no cna", `{"cveMetadata":{"cveId":"CVE-2024-1234"},"containers":{}}`, "no cna container", cve5},
		{"cve5 rejected", `{"cveMetadata":{"cveId":"CVE-2024-1234","state":"REJECTED"},"containers":{}}`, "rejected", cve5},
		{"nvd no cve", `{"resultsPerPage":1,"vulnerabilities":[{}]}`, "no cve object", func(s string) error { _, err := ParseNVD([]byte(s), nop); return err }},
		{"nvd bad id", `{"id":"X","sourceIdentifier":"a"}`, "not a CVE id", func(s string) error { _, err := ParseNVD([]byte(s), nop); return err }},
		{"kev no version", `{"vulnerabilities":[]}`, "no catalogVersion", func(s string) error { _, err := ParseKEV([]byte(s), nop); return err }},
		{"kev bad date", `{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2024-1234","dateAdded":"yesterday"}]}`, "dateAdded", func(s string) error { _, err := ParseKEV([]byte(s), nop); return err }},
		{"epss bad header", "cve,score\nCVE-2024-1234,0.1\n", "wrong number of fields", epss},
		{"epss bad number", "#model_version:v1,score_date:2024-10-25T00:00:00+0000\ncve,epss,percentile\nCVE-2024-1234,2,0.5\n", "line 3", epss},
		{"epss bad date", "#model_version:v1,score_date:soon\ncve,epss,percentile\n", "score_date", epss},
		{"epss empty", "", "no header", epss},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.parse(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func cve5(s string) error { _, err := ParseCVE5([]byte(s)); return err }

func epss(s string) error {
	_, err := ParseEPSS(strings.NewReader(s), func(*advisory.Enrichment) error { return nil })
	return err
}
