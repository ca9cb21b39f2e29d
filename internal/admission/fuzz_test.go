package admission

import (
	"strings"
	"testing"
)

// FuzzParseRef: a reference either fails with an error or normalises to a
// form that parses back to itself.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"nginx", "127.0.0.1:5000/team/app:1.2", "quay.io/a/b:v1@sha256:" + strings.Repeat("1", 64), "[::1]:5000/x", "index.docker.io/library/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRef(s)
		if err != nil {
			return
		}
		back, err := ParseRef(r.String())
		if err != nil || back != r {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, r, r.String(), back, err)
		}
	})
}

// FuzzParseDuration: no panic, no negative durations, and a duration's
// String reads back the same.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"7d", "36h", "90m", "1h30m", "0", "", "-1h", "99999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("%q gave negative %v", s, d)
		}
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, d, d.String(), back, err)
		}
	})
}
