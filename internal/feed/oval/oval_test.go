package oval

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/feed/format/formattest"
)

// readDoc reads the OVAL document data as the loader hands it over: its
// root element read, the rest to Read.
func readDoc(t testing.TB, name string, data []byte, sink format.Sink) error {
	t.Helper()
	s := format.NewXMLStream(bytes.NewReader(data))
	for {
		tok, err := s.Token()
		if err != nil {
			t.Fatalf("no root element: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "oval_definitions" {
				t.Fatalf("root <%s>", se.Name.Local)
			}
			return Read(context.Background(), name, s, sink)
		}
	}
}

// photonDoc is an OVAL document of n Photon 3 definitions in Photon's
// shape, each with a description of descBytes and two package tests;
// every definition refers to the same few tests, objects and states, so
// that what grows with n is the definitions alone.
func photonDoc(n, descBytes int) []byte {
	const pkgs = 8
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"><definitions>`)
	desc := strings.Repeat("x", descBytes)
	for i := range n {
		p := i % pkgs
		fmt.Fprintf(&b, `<definition class="patch" id="oval:com.vmware.phsa:def:%d" version="1"><metadata>
<title>PHSA-2020:%05d pkg%d Security Update. (Important)</title>
<affected family="unix"><platform>Photon 3</platform></affected>
<reference ref_id="CVE:%05d:CVE-2020-%05d" ref_url="https://nvd.nist.gov/vuln/detail?vulnId=CVE-2020-%05d" source="CVE"/>
<description>%s</description>
<advisory from="photon_security@vmware.com"><severity>Important</severity><issued date="2020-01-02"/><cve>CVE-2020-%05d</cve></advisory>
</metadata><criteria operator="AND">
<criterion comment="Photon OS 3 is installed" test_ref="oval:t:tst:rel"/>
<criteria operator="OR"><criterion comment="pkg%d is earlier than 0:1.%d-1.ph3" test_ref="oval:t:tst:%d"/>
<criterion comment="pkg%d-devel is earlier than 0:1.%d-1.ph3" test_ref="oval:t:tst:%d"/></criteria>
</criteria></definition>
`, i, i, p, i, i, i, desc, i, p, p, 2*p, p, p, 2*p+1)
	}
	b.WriteString("</definitions><tests>\n")
	fmt.Fprintf(&b, `<rpminfo_test id="oval:t:tst:rel" version="1"><object object_ref="oval:t:obj:rel"/><state state_ref="oval:t:ste:rel"/></rpminfo_test>`+"\n")
	for j := range 2 * pkgs {
		fmt.Fprintf(&b, `<rpminfo_test id="oval:t:tst:%d" version="1"><object object_ref="oval:t:obj:%d"/><state state_ref="oval:t:ste:%d"/></rpminfo_test>`+"\n", j, j, j)
	}
	b.WriteString("</tests><objects>\n")
	fmt.Fprintf(&b, `<rpminfo_object id="oval:t:obj:rel" version="1"><name>photon-release</name></rpminfo_object>`+"\n")
	for j := range 2 * pkgs {
		suffix := ""
		if j%2 == 1 {
			suffix = "-devel"
		}
		fmt.Fprintf(&b, `<rpminfo_object id="oval:t:obj:%d" version="1"><name>pkg%d%s</name></rpminfo_object>`+"\n", j, j/2, suffix)
	}
	b.WriteString("</objects><states>\n")
	fmt.Fprintf(&b, `<rpminfo_state id="oval:t:ste:rel" version="1"><version operation="pattern match">^3</version></rpminfo_state>`+"\n")
	for j := range 2 * pkgs {
		fmt.Fprintf(&b, `<rpminfo_state id="oval:t:ste:%d" version="1"><evr datatype="evr_string" operation="less than">0:1.%d-1.ph3</evr></rpminfo_state>`+"\n", j, j/2)
	}
	b.WriteString("</states></oval_definitions>\n")
	return b.Bytes()
}

// liveAtFirst reads doc and returns the live heap (after a collection)
// when the first advisory is sent, less the live heap before the read:
// the moment every definition the document holds has been read. It also
// returns how many advisories were sent, and what the sink kept: the
// first advisory, the malformed causes.
func liveAtFirst(t testing.TB, doc []byte) (live uint64, sent int, sink *formattest.Sink) {
	t.Helper()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	sink = &formattest.Sink{}
	sink.Check = func(a *advisory.Advisory) {
		if sent == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			live = ms.HeapAlloc - min(base, ms.HeapAlloc)
		}
		sent++
		// Keep only the first: the sink's own list must not grow with
		// the document.
		sink.Advisories = sink.Advisories[:min(len(sink.Advisories), 1)]
		if why := formattest.Unusable(a); why != "" {
			t.Fatalf("emitted %s", why)
		}
	}
	if err := readDoc(t, "oval.xml", doc, sink); err != nil {
		t.Fatal(err)
	}
	// The document was live before the read: it must be at the first
	// advisory too, or its collection would hide what the read holds.
	runtime.KeepAlive(doc)
	return live, sent, sink
}

// TestReadMemoryFlat: what is held once every definition has been read
// does not grow with the number of definitions (before the definitions
// were kept on disk, 5,000 of them held 16 MB more than 500).
func TestReadMemoryFlat(t *testing.T) {
	var lives []uint64
	for _, n := range []int{500, 5000} {
		live, sent, sink := liveAtFirst(t, photonDoc(n, 2048))
		if sent != n || len(sink.Errors) != 0 || sink.Skipped != 0 {
			t.Fatalf("%d definitions: %d advisories, %d skipped, malformed %v", n, sent, sink.Skipped, sink.Errors)
		}
		lives = append(lives, live)
	}
	// 4,500 definitions of 2 KiB descriptions: 9 MB of text alone if
	// they were held. The margin is for the garbage collector's noise.
	if lives[1] > lives[0]+3<<20 {
		t.Errorf("live heap with every definition read: %.1f MB for 500 definitions, %.1f MB for 5,000; want no growth",
			float64(lives[0])/1e6, float64(lives[1])/1e6)
	}
}

// TestReadAdvisories: each definition becomes its advisory, whole (id
// from the title, CVE alias, references, severity, published, every
// package of its criteria with its fixed version), in document order.
func TestReadAdvisories(t *testing.T) {
	sink := &formattest.Sink{}
	if err := readDoc(t, "oval.xml", photonDoc(20, 10), sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.Advisories) != 20 || len(sink.Errors) != 0 {
		t.Fatalf("%d advisories, malformed %v", len(sink.Advisories), sink.Errors)
	}
	for i, a := range sink.Advisories {
		id := fmt.Sprintf("PHSA-2020:%05d", i)
		cve := fmt.Sprintf("CVE-2020-%05d", i)
		p := i % 8
		if a.ID != id || a.Source != Source || len(a.Aliases) != 1 || a.Aliases[0] != cve || a.Severity != "Important" ||
			a.Published.Format("2006-01-02") != "2020-01-02" || len(a.References) != 1 || len(a.Affected) != 2 {
			t.Fatalf("advisory %d: %+v", i, a)
		}
		for j, af := range a.Affected {
			pkg := fmt.Sprintf("pkg%d", p)
			if j == 1 {
				pkg += "-devel"
			}
			fixed := af.Ranges[0].Events[1].Fixed
			if af.Ecosystem != "Photon OS:3.0" || af.Package != pkg || fixed != fmt.Sprintf("1.%d-1.ph3", p) {
				t.Errorf("advisory %d affected[%d]: %+v (fixed %q)", i, j, af, fixed)
			}
		}
	}
}

// TestReadSpill: the definitions kept on disk are removed after the
// read, whole or broken; where they cannot be kept, the read fails
// naming the document rather than loading part of it.
func TestReadSpill(t *testing.T) {
	doc := photonDoc(50, 100)
	for _, tc := range []struct {
		name    string
		data    []byte
		records int
		errs    int
	}{
		{"whole", doc, 50, 0},
		{"broken in the tests", doc[:bytes.Index(doc, []byte("<rpminfo_object"))+5], 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			sink := &formattest.Sink{}
			if err := readDoc(t, "oval.xml", tc.data, sink); err != nil {
				t.Fatal(err)
			}
			if len(sink.Advisories) != tc.records || len(sink.Errors) != tc.errs {
				t.Fatalf("%d advisories, malformed %v", len(sink.Advisories), sink.Errors)
			}
			if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
				t.Errorf("left behind: %v", ents)
			}
		})
	}
	t.Run("no temporary directory", func(t *testing.T) {
		t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
		sink := &formattest.Sink{}
		err := readDoc(t, "com.vmware.phsa-photon3.xml", doc, sink)
		if err == nil || !strings.Contains(err.Error(), "com.vmware.phsa-photon3.xml: keeping OVAL definitions on disk") {
			t.Fatalf("Read = %v, want the document named", err)
		}
		if len(sink.Advisories) != 0 {
			t.Errorf("%d advisories sent from a document not read whole", len(sink.Advisories))
		}
	})
}
