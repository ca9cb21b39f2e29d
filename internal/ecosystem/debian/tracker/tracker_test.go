package tracker

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed/format/formattest"
)

// TestRead: the export's statuses, urgencies and releases, and its faults
// (an unknown status, a value of the wrong type), each a record of the
// sink's counts.
func TestRead(t *testing.T) {
	doc := `{
 "openssl": {
  "CVE-2024-0001": {"description": "d1", "scope": "remote", "releases": {
     "bookworm": {"status": "resolved", "repositories": {"bookworm": "3.0.11-1~deb12u2"}, "fixed_version": "3.0.11-1~deb12u1", "urgency": "medium"},
     "bullseye": {"status": "open", "repositories": {}, "urgency": "unimportant"},
     "buster": {"status": "resolved", "fixed_version": "0", "urgency": "not yet assigned"},
     "sid": {"status": "resolved", "fixed_version": "3.0.12-1", "urgency": "low"}}},
  "CVE-2024-0002": {"releases": {"bookworm": {"status": "not-affected"}, "sid": {"status": "open"}}},
  "TEMP-0000000-ABCDEF": {"releases": {"trixie": {"status": "undetermined", "urgency": "low**"}}}
 },
 "perl": {"CVE-2024-0003": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "<removed>"}, "forky": {"status": "weird"}}}},
 "zlib": {"CVE-2024-0004": {"releases": "not an object"}},
 "bash": {"CVE-2024-0005": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "5.2.15-2+b9", "urgency": "high"}}}}
}`
	if !IsExport([]byte(doc)) {
		t.Fatal("IsExport does not recognise the export")
	}
	st := &formattest.Sink{}
	if err := Read(context.Background(), "tracker.json", strings.NewReader(doc), st); err != nil {
		t.Fatal(err)
	}
	advs := st.Advisories
	// Records: CVE-2024-0001, TEMP-..., CVE-2024-0005. Skipped: 0002 (only
	// not-affected and sid). Malformed: perl (unknown status), zlib (type).
	if len(advs) != 3 || st.Skipped != 1 || len(st.Errors) != 2 {
		t.Fatalf("%d advisories, %d skipped, malformed %q", len(advs), st.Skipped, st.Errors)
	}
	a := advs[0]
	if a.ID != "CVE-2024-0001" || a.Source != advisory.SourceDebianTracker || a.Details != "d1" || len(a.Affected) != 2 {
		t.Fatalf("advisory %+v", a)
	}
	want := []struct {
		eco, sev, fixed string
	}{{"Debian:11", "NEGLIGIBLE", ""}, {"Debian:12", "MEDIUM", "3.0.11-1~deb12u1"}}
	for i, w := range want {
		af := a.Affected[i]
		ev := af.Ranges[0].Events
		fixed := ""
		if len(ev) == 2 {
			fixed = ev[1].Fixed
		}
		if af.Ecosystem != w.eco || af.Severity != w.sev || ev[0].Introduced != "0" || fixed != w.fixed || af.Package != "openssl" {
			t.Errorf("affected[%d] = %+v, want %+v", i, af, w)
		}
	}
	if advs[1].ID != "TEMP-0000000-ABCDEF" || advs[1].Affected[0].Ecosystem != "Debian:13" || advs[1].Affected[0].Severity != "LOW" {
		t.Errorf("TEMP advisory %+v", advs[1])
	}
}

// FuzzDebianTracker: any input is read or counted as malformed, never a
// panic or an error, and whatever is emitted is usable.
func FuzzDebianTracker(f *testing.F) {
	f.Add([]byte(`{"openssl":{"CVE-2024-1":{"releases":{"bookworm":{"status":"resolved","fixed_version":"1.0-1","urgency":"low"}}}}}`))
	f.Add([]byte(`{"a":{"CVE-1":{"releases":{"sid":{"status":"open"}}}},"b":{"TEMP-1":{}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st := &formattest.Sink{Check: func(a *advisory.Advisory) {
			if why := formattest.Unusable(a); why != "" {
				t.Fatalf("emitted %s", why)
			}
		}}
		// A document's faults are the sink's, never an error (the
		// reader's source is in memory: no read can fail).
		if err := Read(context.Background(), "tracker.json", bytes.NewReader(data), st); err != nil {
			t.Fatalf("Read: %v", err)
		}
	})
}
