package updateinfo

import (
	"context"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/feed/format/formattest"
)

// read reads an updateinfo.xml document as the loader hands it over: its
// root element read, the rest to Read.
func read(t *testing.T, doc string) *formattest.Sink {
	t.Helper()
	s := format.NewXMLStream(strings.NewReader(doc))
	for {
		tok, err := s.Token()
		if err != nil {
			t.Fatalf("no root element: %v", err)
		}
		if _, ok := tok.(xml.StartElement); ok {
			break
		}
	}
	sink := &formattest.Sink{}
	if err := Read(context.Background(), "updateinfo.xml", s, sink); err != nil {
		t.Fatal(err)
	}
	return sink
}

func update(typ, id, pkgs string) string {
	return `<update type="` + typ + `"><id>` + id + `</id><title>t</title><severity>important</severity>
<issued date="2021-09-14 18:55"/><references><reference href="https://x/` + id + `" id="CVE-2021-22945" type="cve"/></references>
<pkglist><collection>` + pkgs + `</collection></pkglist></update>`
}

// TestRead: each security update is one advisory in the release its id's
// prefix names, a package's fixed EVR the highest of its arches, the
// epoch kept unless 0; other updates are skipped, and an update without
// an id, with an unknown prefix or without a package is malformed, named.
func TestRead(t *testing.T) {
	const curl = `<package arch="x86_64" epoch="0" name="curl" release="24.amzn2.0.1" version="7.76.1"/>`
	for _, tc := range []struct {
		name    string
		update  string
		eco     string // of the one advisory; "" when none
		fixed   string
		skipped int
		err     string
	}{
		{"Amazon Linux 2", update("security", "ALAS2-2021-1699", curl), "Amazon Linux:2", "7.76.1-24.amzn2.0.1", 0, ""},
		{"Amazon Linux 2023", update("security", "ALAS2023-2023-001", curl), "Amazon Linux:2023", "7.76.1-24.amzn2.0.1", 0, ""},
		{"Amazon Linux 1", update("security", "ALAS-2018-1093", curl), "Amazon Linux:1", "7.76.1-24.amzn2.0.1", 0, ""},
		{"epoch and arches", update("security", "ALAS2-2021-1700",
			`<package arch="x86_64" epoch="1" name="openssl" release="22.amzn2.0.1" version="1.0.2k"/>
			 <package arch="aarch64" epoch="1" name="openssl" release="22.amzn2.0.3" version="1.0.2k"/>`),
			"Amazon Linux:2", "1:1.0.2k-22.amzn2.0.3", 0, ""},
		{"bug fix", update("bugfix", "ALAS2-2021-1701", curl), "", "", 1, ""},
		{"no id", update("security", "", curl), "", "", 0, "updateinfo.xml: update #1: update without an id"},
		{"unknown prefix", update("security", "RHSA-2021:1", curl), "", "", 0, `updateinfo.xml:RHSA-2021:1: no distribution claims the advisory id "RHSA-2021:1"`},
		{"no package", update("security", "ALAS2-2021-1702", ""), "", "", 0, "updateinfo.xml:ALAS2-2021-1702: update lists no package"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := read(t, `<?xml version="1.0"?><updates>`+tc.update+`</updates>`)
			if sink.Skipped != tc.skipped {
				t.Errorf("skipped %d, want %d", sink.Skipped, tc.skipped)
			}
			if tc.err != "" {
				if len(sink.Errors) != 1 || sink.Errors[0] != tc.err || len(sink.Advisories) != 0 {
					t.Fatalf("malformed %q, %d advisories; want %q", sink.Errors, len(sink.Advisories), tc.err)
				}
				return
			}
			if len(sink.Errors) != 0 {
				t.Fatalf("malformed %q", sink.Errors)
			}
			if tc.eco == "" {
				if len(sink.Advisories) != 0 {
					t.Fatalf("%d advisories, want none", len(sink.Advisories))
				}
				return
			}
			if len(sink.Advisories) != 1 {
				t.Fatalf("%d advisories, want 1", len(sink.Advisories))
			}
			a := sink.Advisories[0]
			af := a.Affected[0]
			if a.Source != Source || len(a.Aliases) != 1 || a.Aliases[0] != "CVE-2021-22945" || a.Published.IsZero() ||
				len(a.Affected) != 1 || af.Ecosystem != tc.eco || af.Ranges[0].Events[1].Fixed != tc.fixed {
				t.Errorf("advisory %+v", a)
			}
		})
	}
}
