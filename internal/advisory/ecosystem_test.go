package advisory

import (
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
)

func TestNormalizeEcosystem(t *testing.T) {
	cases := map[string]string{
		"Ubuntu:22.04:LTS":                      "Ubuntu:22.04",
		"Ubuntu:Pro:18.04:LTS":                  "Ubuntu:Pro:18.04",
		"Ubuntu:24.10":                          "Ubuntu:24.10",
		"Alpine:v3.20":                          "Alpine:v3.20",
		"Alpine:3.20":                           "Alpine:v3.20",
		"Debian:12":                             "Debian:12",
		" debian:12 ":                           "Debian:12",
		"pypi":                                  "PyPI",
		"crates.io":                             "crates.io",
		"Red Hat:enterprise_linux:9::appstream": "Red Hat:9",
		"Red Hat:enterprise_linux:8.6::baseos":  "Red Hat:8",
		"Red Hat:openshift:4.14::el9":           "Red Hat:openshift:4.14::el9",
		"AlmaLinux:9":                           "AlmaLinux:9",
		"Rocky Linux:9":                         "Rocky Linux:9",
		"Hex":                                   "Hex",
		"":                                      "",
	}
	for in, want := range cases {
		if got := NormalizeEcosystem(in); got != want {
			t.Errorf("NormalizeEcosystem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizePackage(t *testing.T) {
	cases := []struct{ eco, in, want string }{
		{"PyPI", "Zope.Interface", "zope-interface"},
		{"PyPI", "foo__bar-.baz", "foo-bar-baz"},
		{"PyPI", "Django", "django"},
		{"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
		{"Packagist", "Symfony/HTTP-Kernel", "symfony/http-kernel"},
		{"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
		{"Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"},
		{"Debian:12", "libssl3", "libssl3"},
	}
	for _, tc := range cases {
		if got := NormalizePackage(tc.eco, tc.in); got != tc.want {
			t.Errorf("NormalizePackage(%q, %q) = %q, want %q", tc.eco, tc.in, got, tc.want)
		}
	}
}

func TestForOS(t *testing.T) {
	cases := []struct {
		os   *report.OS
		want string
		ok   bool
	}{
		{&report.OS{ID: "debian", VersionID: "12"}, "Debian:12", true},
		{&report.OS{ID: "debian", VersionCodename: "trixie"}, "Debian:13", true},
		{&report.OS{ID: "debian", VersionCodename: "sid"}, "", false},
		{&report.OS{ID: "alpine", VersionID: "3.20.3"}, "Alpine:v3.20", true},
		{&report.OS{ID: "alpine", VersionID: "3.21.0_alpha20240807"}, "Alpine:v3.21", true},
		{&report.OS{ID: "almalinux", VersionID: "9.4"}, "AlmaLinux:9", true},
		{&report.OS{ID: "rocky", VersionID: "9"}, "Rocky Linux:9", true},
		{&report.OS{ID: "ubuntu", VersionID: "22.04"}, "Ubuntu:22.04", true},
		{&report.OS{ID: "rhel", VersionID: "9.4"}, "Red Hat:9", true},
		{&report.OS{ID: "linuxmint", VersionID: "21", IDLike: []string{"ubuntu"}}, "", false},
		{&report.OS{ID: "alpine"}, "", false},
		{nil, "", false},
	}
	for _, tc := range cases {
		got, ok := ForOS(tc.os)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ForOS(%+v) = %q %v, want %q %v", tc.os, got, ok, tc.want, tc.ok)
		}
	}
}

func TestForPackageType(t *testing.T) {
	cases := map[string]string{
		"go-module": "Go", "npm": "npm", "pypi": "PyPI", "cargo": "crates.io", "maven": "Maven",
		"gem": "RubyGems", "composer": "Packagist", "nuget": "NuGet", "deb": "", "unknown": "",
	}
	for in, want := range cases {
		if got := ForPackageType(in); got != want {
			t.Errorf("ForPackageType(%q) = %q, want %q", in, got, want)
		}
	}
}

// The severity words themselves are report's (report.ParseSeverity, tested
// there); advisory only bands CVSS scores.
func TestSeverityFromCVSS(t *testing.T) {
	cv := func(v string, s float64) report.CVSS { return report.CVSS{Version: v, Score: s} }
	cases := []struct {
		in   []report.CVSS
		want report.Severity
	}{
		{nil, "UNKNOWN"},
		{[]report.CVSS{cv("3.1", 9.8)}, "CRITICAL"},
		{[]report.CVSS{cv("3.1", 6.5), cv("4.0", 7.0)}, "HIGH"},
		{[]report.CVSS{cv("3.1", 4.0)}, "MEDIUM"},
		{[]report.CVSS{cv("3.1", 0.1)}, "LOW"},
		{[]report.CVSS{cv("4.0", 0)}, "NEGLIGIBLE"},
		{[]report.CVSS{cv("2.0", 10)}, "HIGH"},
		{[]report.CVSS{cv("2.0", 10), cv("3.1", 5.0)}, "MEDIUM"},
	}
	for _, tc := range cases {
		if got := SeverityFromCVSS(tc.in); got != tc.want {
			t.Errorf("SeverityFromCVSS(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
