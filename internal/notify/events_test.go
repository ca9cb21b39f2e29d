package notify

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

func cloneReport(t *testing.T, r *report.Report) *report.Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out report.Report
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// Events between two real reports of the Alpine image: an exception
// removes findings, a KEV entry is an event of its own, a first scan adds
// every finding, and no change gives no event.
func TestImageEvents(t *testing.T) {
	base := reporttest.Alpine(t)
	img := Image{Registry: "local", Repository: "library/alpine", Digest: base.Image.Digest, Tags: []string{"3.20.3"}}
	const cve = "CVE-2024-9143"

	excepted := cloneReport(t, base)
	exception.NewSet([]exception.Exception{{ID: "a", Vulnerability: cve, Reason: "r", Author: "x", Created: t0}}).
		Apply(excepted, exception.Target{Registries: []string{"local"}, Repository: "library/alpine", Digest: base.Image.Digest}, t0)
	gone := len(base.Vulnerabilities) - len(excepted.Vulnerabilities)

	inKEV := cloneReport(t, base)
	kevCount := 0
	for i := range inKEV.Vulnerabilities {
		if inKEV.Vulnerabilities[i].ID == cve {
			inKEV.Vulnerabilities[i].KEV = &report.KEV{DateAdded: "2026-12-01"}
			kevCount++
		}
	}
	tests := []struct {
		name          string
		before, after *report.Report
		want          map[string]int // event type -> findings
	}{
		{"first scan", nil, base, map[string]int{ImageFindingsAdded: len(base.Vulnerabilities)}},
		{"unchanged", base, cloneReport(t, base), map[string]int{}},
		{"excepted", base, excepted, map[string]int{ImageFindingsRemoved: gone}},
		{"exception gone", excepted, base, map[string]int{ImageFindingsAdded: gone}},
		{"entered KEV", base, inKEV, map[string]int{ImageEnteredKEV: kevCount}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs := ImageEvents(img, "scan", "c1", t0, tc.before, tc.after)
			got := map[string]int{}
			for _, ev := range evs {
				got[ev.Type] = len(ev.Findings)
				if ev.Image == nil || ev.Image.Digest != img.Digest || ev.ID == "" {
					t.Fatalf("event %+v", ev)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("events %v, want %v", got, tc.want)
			}
			for k, n := range tc.want {
				if got[k] != n || n == 0 {
					t.Fatalf("events %v, want %v", got, tc.want)
				}
			}
			// The same change computed again has the same ids.
			again := ImageEvents(img, "scan", "c1", t0.Add(time.Second), tc.before, tc.after)
			for i := range evs {
				if again[i].ID != evs[i].ID {
					t.Fatal("event ids differ between two computations of one change")
				}
			}
		})
	}
}
