package version

import "testing"

var fuzzEcosystems = []string{"Debian:12", "Alpine:v3.20", "AlmaLinux:9", "Go", "SEMVER", "npm", "PyPI", "Maven", "RubyGems", "NuGet"}

// FuzzCompare checks, for every ecosystem, that comparing never panics and
// that valid versions are ordered consistently: reflexive and
// antisymmetric.
func FuzzCompare(f *testing.F) {
	for eco, cases := range compareCases {
		_ = eco
		for _, c := range cases {
			f.Add(c.a, c.b)
		}
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, eco := range fuzzEcosystems {
			c, err := For(eco)
			if err != nil {
				t.Fatal(err)
			}
			ab, errAB := c.Compare(a, b)
			ba, errBA := c.Compare(b, a)
			if (errAB == nil) != (errBA == nil) {
				t.Fatalf("%s: Compare(%q, %q) err %v but reverse err %v", eco, a, b, errAB, errBA)
			}
			if errAB != nil {
				continue
			}
			if ab != -ba {
				t.Fatalf("%s: Compare(%q, %q) = %d but reverse = %d", eco, a, b, ab, ba)
			}
			if aa, err := c.Compare(a, a); err != nil || aa != 0 {
				t.Fatalf("%s: Compare(%q, itself) = %d, %v", eco, a, aa, err)
			}
		}
	})
}
