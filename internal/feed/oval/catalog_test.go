package oval

import (
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
)

// TestCatalog: the distribution and release a document's name or a
// definition's platforms give, from descriptors passed in (a made-up
// list, to pin the order rules) and from Scanfleet's own. The first OVAL
// feed in the descriptors' order that knows the name or one of the
// platforms wins; within that feed, the definition's first platform it
// knows; a feed of another format claims nothing.
func TestCatalog(t *testing.T) {
	made := []ecosystem.Descriptor{
		{Name: "NotOVAL", Feeds: []ecosystem.Feed{{Format: ecosystem.FeedOSV, Platforms: map[string]string{"P 1": "n1"}}}},
		{Name: "A", Feeds: []ecosystem.Feed{
			{Format: ecosystem.FeedOSV},
			{Format: ecosystem.FeedOVAL, Platforms: map[string]string{"P 1": "a1", "P 2": "a2"}, Documents: map[string]string{"a-9.xml": "9"}},
		}},
		{Name: "B", Feeds: []ecosystem.Feed{{Format: ecosystem.FeedOVAL,
			Platforms: map[string]string{"P 1": "b1", "Q 1": "q1"}, Documents: map[string]string{"a-9.xml": "b9", "b-1.xml": "1"}}}},
	}
	for _, tc := range []struct {
		name      string
		ds        []ecosystem.Descriptor
		doc       string   // a document's name
		platforms []string // else a definition's platforms
		desc, rel string   // "" desc: unclaimed
	}{
		{"document", made, "b-1.xml", nil, "B", "1"},
		{"document in an archive, compressed", made, "feeds.tar:x/b-1.xml.gz", nil, "B", "1"},
		{"document both claim: the first descriptor", made, "a-9.xml", nil, "A", "9"},
		{"unknown document", made, "c.xml", nil, "", ""},
		{"platform both claim: the first OVAL descriptor", made, "", []string{"P 1"}, "A", "a1"},
		{"the first descriptor wins over the first platform", made, "", []string{"Q 1", "P 2"}, "A", "a2"},
		{"the first platform within a feed", made, "", []string{" P 2 ", "P 1"}, "A", "a2"},
		{"platform of the second descriptor", made, "", []string{"R", "Q 1"}, "B", "q1"},
		{"no platform known", made, "", []string{"R"}, "", ""},
		{"no platform", made, "", nil, "", ""},
		{"Photon", all.Default().Descriptors(), "", []string{"Photon 3"}, "Photon OS", "3.0"},
		{"Oracle", all.Default().Descriptors(), "", []string{"Oracle Linux 8"}, "Oracle Linux", "8"},
		{"Mariner document", all.Default().Descriptors(), "cbl-mariner-2.0-oval.xml", nil, "CBL-Mariner", "2.0"},
		{"Azure Linux document", all.Default().Descriptors(), "x.zip:azurelinux-3.0-oval.xml.gz", nil, "Azure Linux", "3.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCatalog(tc.ds)
			var d *ovalDesc
			var rel string
			if tc.doc != "" {
				d, rel = c.documentRelease(tc.doc)
			} else {
				d, rel = c.platformRelease(tc.platforms)
			}
			got := ""
			if d != nil {
				got = d.Name
				if c.byName[d.Name] != d {
					t.Errorf("byName[%q] is not the descriptor found", d.Name)
				}
			}
			if got != tc.desc || rel != tc.rel {
				t.Errorf("got %q %q, want %q %q", got, rel, tc.desc, tc.rel)
			}
		})
	}
}
