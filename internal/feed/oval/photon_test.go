package oval

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/feed/format/formattest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// photon3Digest is the sha256 of what Read made of the real Photon 3
// OVAL document (every advisory as JSON, in order, then the malformed
// causes and the skipped count; see outputDigest), computed by the reader
// as it was before the descriptor lookup was built once per document
// (commit b29c245), when each definition rebuilt every descriptor. A
// change to the reader that changes its output on purpose updates it:
// `go test -run TestPhoton3Unchanged -v` logs the new digest.
const photon3Digest = "6502906648b30bb486978542e700819c5a74499d28e2b6008fbf8d4d11ef38f5"

// outputDigest hashes what a read sent to sink.
func outputDigest(t *testing.T, sink *formattest.Sink) string {
	t.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, a := range sink.Advisories {
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Fprintf(h, "%q %d\n", sink.Errors, sink.Skipped)
	return hex.EncodeToString(h.Sum(nil))
}

// TestPhoton3Unchanged reads Photon's complete Photon 3 OVAL document
// (222 definitions; the release comes from each definition's platform,
// "Photon 3") and checks the advisories two ways: against the digest of
// the output of the reader before its descriptor lookup was built once
// per document, and, so that a difference is named, against what the
// definitions themselves say: the advisory id in the title, one fixed
// version per "P is earlier than V" criterion, for Photon OS:3.0.
func TestPhoton3Unchanged(t *testing.T) {
	doc, err := os.ReadFile(testutil.Data(t, "distros", "photon", "com.vmware.phsa-photon3.xml"))
	if err != nil {
		t.Fatal(err)
	}
	sink := &formattest.Sink{}
	if err := readDoc(t, "com.vmware.phsa-photon3.xml", doc, sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.Errors) != 0 || sink.Skipped != 0 {
		t.Errorf("malformed %v, %d skipped", sink.Errors, sink.Skipped)
	}

	defRe := regexp.MustCompile(`(?s)<definition .*?</definition>`)
	titleRe := regexp.MustCompile(`<title>(\S+)`)
	cmtRe := regexp.MustCompile(`comment="(\S+) is earlier than (?:0:)?([^"]+)"`)
	defs := defRe.FindAll(doc, -1)
	if len(defs) != 222 || len(sink.Advisories) != len(defs) {
		t.Fatalf("%d advisories from %d definitions (the data's README says 222)", len(sink.Advisories), len(defs))
	}
	for i, d := range defs {
		a := sink.Advisories[i]
		var want []string
		for _, m := range cmtRe.FindAllSubmatch(d, -1) {
			want = append(want, fmt.Sprintf("Photon OS:3.0 %s <%s", m[1], m[2]))
		}
		var got []string
		for _, af := range a.Affected {
			for _, r := range af.Ranges {
				got = append(got, fmt.Sprintf("%s %s <%s", af.Ecosystem, af.Package, r.Events[len(r.Events)-1].Fixed))
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if id := strings.TrimRight(string(titleRe.FindSubmatch(d)[1]), ":,"); a.ID != id || !slices.Equal(got, want) {
			t.Errorf("definition %d: advisory %s affecting %v, want %s affecting %v", i, a.ID, got, id, want)
		}
	}

	if got := outputDigest(t, sink); got != photon3Digest {
		t.Errorf("output digest %s, want %s (the reader's output before the change)", got, photon3Digest)
	}
}
