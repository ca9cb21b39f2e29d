package testutil

import "testing"

func TestDSNParam(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://h/db", "postgres://h/db?search_path=s"},
		{"postgres://h/db?sslmode=disable", "postgres://h/db?sslmode=disable&search_path=s"},
		{"host=h dbname=db", "host=h dbname=db search_path=s"},
	} {
		if got := DSNParam(tc.in, "search_path", "s"); got != tc.want {
			t.Errorf("DSNParam(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
