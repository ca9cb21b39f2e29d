package secdb

import (
	"strings"
	"testing"
)

func TestSplitVulnIDs(t *testing.T) {
	cases := []struct {
		in      string
		id      string
		aliases []string
		ok      bool
	}{
		{"CVE-2024-9143", "CVE-2024-9143", nil, true},
		{"CVE-2017-8904 XSA-214", "CVE-2017-8904", []string{"XSA-214"}, true},
		{"CVE 2018-16859", "CVE-2018-16859", nil, true},
		{"CVE-????-?????  XSA-295", "XSA-295", nil, true},
		{"wnpa-sec-2017-18", "wnpa-sec-2017-18", nil, true},
		{"CVE-2017-17434-1", "CVE-2017-17434", nil, true},
		{"CVE-2019-19451.patch", "CVE-2019-19451", nil, true},
		{"", "", nil, false},
		{"???", "", nil, false},
	}
	for _, tc := range cases {
		id, al, ok := splitVulnIDs(tc.in)
		if id != tc.id || ok != tc.ok || strings.Join(al, ",") != strings.Join(tc.aliases, ",") {
			t.Errorf("splitVulnIDs(%q) = %q %v %v", tc.in, id, al, ok)
		}
	}
}
