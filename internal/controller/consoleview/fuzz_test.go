package consoleview

import (
	"net/url"
	"slices"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
)

func FuzzParseImageQuery(f *testing.F) {
	for _, s := range []string{"", "sort=os&order=asc", "limit=500&offset=3", "severity=high&fixable=true", "limit=0", "offset=99999999999999999999", "q=%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseImageQuery(v)
		if err != nil {
			return
		}
		if q.limit < 1 || q.limit > 500 || q.offset < 0 || !slices.Contains(imageSorts, q.sort) {
			t.Fatalf("%q parsed to out-of-range %+v", raw, q)
		}
		if s, ok := report.LookupSeverity(q.severity); q.severity != "" && (!ok || string(s) != q.severity) {
			t.Fatalf("%q: severity %q", raw, q.severity)
		}
	})
}

func FuzzDigestReport(f *testing.F) {
	f.Add([]byte(`{"os":{"id":"alpine","version_id":"3.20"},"image":{"layers":[{"size":5}]},"vulnerabilities":[{"id":"CVE-1","severity":"high","fixed_version":"2"}]}`))
	f.Add([]byte(`{"vulnerabilities":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		st, err := digestReport(raw, "fp")
		if err != nil {
			return
		}
		n := 0
		for _, c := range st.fixable {
			n += c
		}
		if n > len(st.findings) || st.fingerprint != "fp" {
			t.Fatalf("%d fixable of %d findings", n, len(st.findings))
		}
	})
}
