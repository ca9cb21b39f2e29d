package exception

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

// TestVEXWriterMatchesToVEX: the streamed document is byte for byte what
// encoding ToVEX's document gives (as the API wrote it before it
// streamed), with no report, reports without statements and several
// reports, each read back through VEXReport from its stored JSON; a
// report without a digest fails as ToVEX fails, before anything is
// written.
func TestVEXWriterMatchesToVEX(t *testing.T) {
	base := reporttest.Alpine(t)
	excepted := cloneReport(t, base)
	set := NewSet([]Exception{
		exc("a", "CVE-2024-9143", func(e *Exception) { e.Expires = at(48 * time.Hour) }),
		exc("b", "CVE-2024-58251"),
	})
	if n := len(set.Apply(excepted, alpineTarget(base), now).Suppressed); n < 2 {
		t.Fatalf("the test needs suppressed findings; got %d", n)
	}
	other := cloneReport(t, excepted)
	other.Image.Digest = "sha256:" + strings.Repeat("1", 64)
	plain := cloneReport(t, base)
	noDigest := cloneReport(t, excepted)
	noDigest.Image.Digest = ""

	for _, c := range []struct {
		name    string
		reps    []*report.Report
		wantErr string
	}{
		{"no report", nil, ""},
		{"nothing suppressed", []*report.Report{plain}, ""},
		{"one", []*report.Report{excepted}, ""},
		{"several", []*report.Report{excepted, plain, other}, ""},
		{"no digest", []*report.Report{noDigest}, "names no image digest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, wantErr := ToVEX("urn:scanfleet:exceptions:1", "scanfleet", now, c.reps)
			var want bytes.Buffer
			if wantErr == nil {
				if err := json.NewEncoder(&want).Encode(doc); err != nil {
					t.Fatal(err)
				}
			}
			var got bytes.Buffer
			w, err := NewVEXWriter(&got, "urn:scanfleet:exceptions:1", "scanfleet", now)
			if err != nil {
				t.Fatal(err)
			}
			for _, rep := range c.reps {
				raw, _ := json.Marshal(rep)
				part, derr := VEXReport(raw)
				if derr != nil {
					t.Fatal(derr)
				}
				if err = w.Add(part); err != nil {
					break
				}
			}
			if err == nil {
				err = w.Close()
			}
			if c.wantErr != "" {
				if wantErr == nil || err == nil || !strings.Contains(err.Error(), c.wantErr) || got.Len() != 0 {
					t.Fatalf("ToVEX: %v, writer: %v after %d bytes; want both to fail with %q before writing", wantErr, err, got.Len(), c.wantErr)
				}
				return
			}
			if err != nil || wantErr != nil {
				t.Fatalf("writer: %v, ToVEX: %v", err, wantErr)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("streamed document differs from ToVEX's:\n got %s\nwant %s", got.Bytes(), want.Bytes())
			}
			if len(doc.Statements) != w.Statements() {
				t.Errorf("%d statements written, ToVEX has %d", w.Statements(), len(doc.Statements))
			}
		})
	}
}
