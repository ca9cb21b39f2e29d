package controller

import "testing"

// FuzzParseConfig: any input gives a config or an error, never a panic,
// and an accepted config only holds valid registries.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"registries:\n  - name: local\n    url: http://127.0.0.1:5000\n    filters: [\"team/**\"]\n    interval: 30m\n",
		`{"registries":[{"name":"a","url":"https://h","password":"x","max_tags":2}]}`,
		"registries:\n  - name: a\n    url: http://h\n  - name: a\n    url: http://h\n",
		"registries: [",
		"registries:\n  - interval: -1s\n",
		"&a [*a]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fc, err := ParseConfig(b)
		if err != nil {
			return
		}
		for _, r := range fc.Registries {
			if err := validateRegistry(r); err != nil {
				t.Fatalf("accepted invalid registry: %v", err)
			}
			if r.Interval < 0 {
				t.Fatalf("negative interval accepted")
			}
		}
	})
}
