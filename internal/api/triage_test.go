package api

import (
	"net/http"
	"testing"
)

// TestNextCursor: the after= cursor of a Link header's rel="next" target,
// among other links and parameters; a next link without a cursor is an
// error rather than the end of the list.
func TestNextCursor(t *testing.T) {
	for _, tt := range []struct {
		name  string
		links []string
		want  string
		err   bool
	}{
		{"none", nil, "", false},
		{"next", []string{`</api/v1/workloads?after=abc&limit=2>; rel="next"`}, "abc", false},
		{"absolute URL, spaced params", []string{`<https://ctl.example/api/v1/workloads?cve=CVE-1&after=x_y-z&limit=5> ; rel = "next"`}, "x_y-z", false},
		{"prev then next", []string{`</w?after=old>; rel="prev", </w?after=new>; rel="next"`}, "new", false},
		{"two headers", []string{`</w?after=old>; rel="prev"`, `</w?after=new>; rel="next"`}, "new", false},
		{"only prev", []string{`</w?after=old>; rel="prev"`}, "", false},
		{"next without cursor", []string{`</w?limit=2>; rel="next"`}, "", true},
		{"next without brackets", []string{`/w?after=a; rel="next"`}, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, l := range tt.links {
				h.Add("Link", l)
			}
			got, err := nextCursor(h)
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("nextCursor(%q) = %q, %v; want %q, error %v", tt.links, got, err, tt.want, tt.err)
			}
		})
	}
}
