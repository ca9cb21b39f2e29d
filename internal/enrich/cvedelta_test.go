package enrich

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// TestParseCVEDeltaLog reads the CVE List's delta log (an array of
// fetches) and delta (one fetch) as the repository writes them, and
// refuses what it cannot read whole; DetectJSON tells both apart from
// records.
func TestParseCVEDeltaLog(t *testing.T) {
	item := func(id string) string {
		return `{"cveId": "` + id + `", "cveOrgLink": "https://www.cve.org/CVERecord?id=` + id +
			`", "githubLink": "https://raw.githubusercontent.com/CVEProject/cvelistV5/main/cves/2024/1xxx/` + id + `.json", "dateUpdated": "2024-05-01T10:00:00.000Z"}`
	}
	log := `[{"fetchTime": "2024-05-01T10:07:12.345Z", "numberOfChanges": 3, "new": [` + item("CVE-2024-1000") + `],
		"updated": [` + item("CVE-2023-12345") + `], "error": [` + item("CVE-2022-0001") + `]},
		{"fetchTime": "2024-05-01T10:00:10Z", "numberOfChanges": 0, "new": [], "updated": []}]`
	tests := []struct {
		name    string
		doc     string
		want    []CVEDelta
		wantErr bool
	}{
		{name: "delta log", doc: log, want: []CVEDelta{
			{FetchTime: time.Date(2024, 5, 1, 10, 7, 12, 345e6, time.UTC), CVEs: []string{"CVE-2024-1000", "CVE-2023-12345", "CVE-2022-0001"}},
			{FetchTime: time.Date(2024, 5, 1, 10, 0, 10, 0, time.UTC)}}},
		{name: "one delta", doc: `{"fetchTime": "2024-05-01T10:00:10Z", "numberOfChanges": 1, "new": [` + item("CVE-2024-1000") + `], "updated": []}`,
			want: []CVEDelta{{FetchTime: time.Date(2024, 5, 1, 10, 0, 10, 0, time.UTC), CVEs: []string{"CVE-2024-1000"}}}},
		{name: "empty log", doc: `[]`, want: []CVEDelta{}},
		{name: "bad time", doc: `[{"fetchTime": "yesterday", "numberOfChanges": 0}]`, wantErr: true},
		{name: "no count", doc: `[{"fetchTime": "2024-05-01T10:00:10Z"}]`, wantErr: true},
		{name: "not a CVE id", doc: `[{"fetchTime": "2024-05-01T10:00:10Z", "numberOfChanges": 1, "new": [{"cveId": "../../etc/passwd"}]}]`, wantErr: true},
		{name: "truncated", doc: log[:100], wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCVEDeltaLog([]byte(tt.doc))
			if tt.wantErr {
				if !errors.Is(err, ErrCVEDeltaLog) {
					t.Fatalf("got %v, %v; want ErrCVEDeltaLog", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if !got[i].FetchTime.Equal(tt.want[i].FetchTime) || !slices.Equal(got[i].CVEs, tt.want[i].CVEs) {
					t.Errorf("fetch %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if k := DetectJSON([]byte(tt.doc)); len(got) > 0 && k != KindCVEDelta {
				t.Errorf("DetectJSON: %v, want %v", k, KindCVEDelta)
			}
		})
	}
	if k := DetectJSON([]byte(`[{"id": "GO-2024-0001", "numberOfChanges": 1}]`)); k != KindNone {
		t.Errorf("an OSV array mentioning numberOfChanges detected as %v", k)
	}
}
