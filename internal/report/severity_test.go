package report

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	for _, tc := range []struct {
		word string
		want Severity
	}{
		{"", ""},
		{"   ", ""},
		{"CRITICAL", SeverityCritical},
		{"critical", SeverityCritical},
		{"urgent", SeverityCritical},        // Debian
		{"Important", SeverityHigh},         // Red Hat, SUSE
		{" high ", SeverityHigh},            //
		{"MODERATE", SeverityMedium},        // GitHub
		{"Moderate", SeverityMedium},        // Red Hat
		{"medium**", SeverityMedium},        // Debian's asterisked urgency
		{"low*", SeverityLow},               //
		{"Low", SeverityLow},                //
		{"unimportant", SeverityNegligible}, // Debian
		{"negligible", SeverityNegligible},  // Ubuntu
		{"None", SeverityNegligible},        // CVSS v3 band
		{"informational", SeverityNegligible},
		{"not yet assigned", SeverityUnknown}, // Debian
		{"UNKNOWN", SeverityUnknown},
		{"severe", SeverityUnknown},
	} {
		if got := ParseSeverity(tc.word); got != tc.want {
			t.Errorf("ParseSeverity(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestLookupSeverity(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Severity
		ok   bool
	}{
		{"HIGH", SeverityHigh, true},
		{"high", SeverityHigh, true},
		{" Critical ", SeverityCritical, true},
		{"negligible", SeverityNegligible, true},
		{"unknown", SeverityUnknown, true},
		{"", "", false},
		{"important", "", false}, // a feed word, not a name a person types
		{"HIHG", "", false},
	} {
		got, ok := LookupSeverity(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LookupSeverity(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSeverityOrdering(t *testing.T) {
	for _, tc := range []struct {
		s    Severity
		rank int
	}{
		{SeverityCritical, 5},
		{SeverityHigh, 4},
		{SeverityMedium, 3},
		{SeverityLow, 2},
		{SeverityNegligible, 1},
		{SeverityUnknown, 0},
		{"", 0},
		{"high", 0}, // only the normalised spelling ranks
		{"MODERATE", 0},
	} {
		if got := tc.s.Rank(); got != tc.rank {
			t.Errorf("%q.Rank() = %d, want %d", tc.s, got, tc.rank)
		}
	}

	// Severities is worst first, and every pair compares as its positions say.
	all := Severities()
	for i, a := range all {
		for j, b := range all {
			c := CompareSeverity(a, b)
			switch {
			case i < j && c <= 0, i > j && c >= 0, i == j && c != 0:
				t.Errorf("CompareSeverity(%s, %s) = %d, positions %d, %d", a, b, c, i, j)
			}
			if got, want := a.AtLeast(b), i <= j; got != want {
				t.Errorf("%s.AtLeast(%s) = %v, want %v", a, b, got, want)
			}
		}
	}
	sorted := []Severity{SeverityLow, SeverityUnknown, SeverityCritical, SeverityNegligible, SeverityHigh, SeverityMedium}
	slices.SortFunc(sorted, func(a, b Severity) int { return CompareSeverity(b, a) })
	if !slices.Equal(sorted, all) {
		t.Errorf("sorted worst first = %v, want %v", sorted, all)
	}
	if !SeverityHigh.AtLeast("") || !SeverityUnknown.AtLeast(SeverityUnknown) || SeverityUnknown.AtLeast(SeverityNegligible) {
		t.Error("AtLeast: an unset minimum must keep everything and UNKNOWN must stay below NEGLIGIBLE")
	}

	// Callers may change what Severities returns without changing the order.
	all[0] = "X"
	if Severities()[0] != SeverityCritical {
		t.Error("Severities shares its slice")
	}
	if got, want := SeverityNames(), "CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN"; got != want {
		t.Errorf("SeverityNames() = %q, want %q", got, want)
	}
}

// The wire form stays the plain word: reports written before the type
// existed read back, and new ones are byte-identical.
func TestSeverityJSON(t *testing.T) {
	in := []byte(`{"id":"CVE-1","package":"p","installed_version":"1","fixed_version":"","severity":"HIGH","source":"osv"}`)
	var v Vulnerability
	if err := json.Unmarshal(in, &v); err != nil {
		t.Fatal(err)
	}
	if v.Severity != SeverityHigh {
		t.Fatalf("severity %q", v.Severity)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(in) {
		t.Errorf("round trip:\n got %s\nwant %s", out, in)
	}
}

func TestIsOSType(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		want bool
	}{
		{TypeDeb, true}, {TypeAPK, true}, {TypeRPM, true},
		{TypeGoModule, false}, {TypeMaven, false}, {TypePyPI, false}, {TypeNPM, false},
		{TypeGem, false}, {TypeCargo, false}, {TypeComposer, false}, {TypeNuGet, false},
		{"", false}, {"DEB", false},
	} {
		if got := IsOSType(tc.typ); got != tc.want {
			t.Errorf("IsOSType(%q) = %v, want %v", tc.typ, got, tc.want)
		}
	}
}
