package version

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

type cmpCase struct {
	a, b string
	want int
}

// The cases are the orderings each package manager documents, chosen where
// a string or naive numeric comparison would get them wrong.
var compareCases = map[string][]cmpCase{
	"Debian:12": {
		{"1.0", "1.0", 0},
		{"1.10", "1.9", 1},
		{"1.0~rc1", "1.0", -1},         // tilde sorts before everything
		{"1.0~rc1", "1.0~rc1~1", 1},    // ... even the end of the string
		{"1:1.0", "2.0", 1},            // epoch wins
		{"0:1.0", "1.0", 0},            // epoch 0 is no epoch
		{"1.0-1", "1.0-1+deb12u1", -1}, // security update suffix
		{"5.36.0-7+deb12u3", "5.36.0-7+deb12u4", -1},
		{"10.42-1", "10.42-1+deb12u2", -1},
		{"1.0+b1", "1.0", 1},
		{"2.38.1-5+deb12u3", "2.38.1-5+b1", 1},
		{"1.0a", "1.0", 1}, // letters sort after the end
		{"1.0-1", "1.0-1.1", -1},
	},
	"Ubuntu:22.04": {
		{"3.0.2-0ubuntu1.10", "3.0.2-0ubuntu1.9", 1},
		{"1.2.11.dfsg-2ubuntu9.2", "1:1.2.11.dfsg-2ubuntu9", -1},
	},
	"Alpine:v3.20": {
		{"1.36.1-r29", "1.36.1-r31", -1},
		{"3.3.2-r0", "3.3.2-r1", -1},
		{"1.2.3-r10", "1.2.3-r9", 1}, // -rN is numeric
		{"1.1.1d-r3", "1.1.1d-r1", 1},
		{"1.1.1k-r0", "1.1.1l-r0", -1},
		{"1.2.5_rc1-r0", "1.2.5-r0", -1}, // _rc is a pre-release
		{"1.2.5_p1-r0", "1.2.5-r0", 1},   // _p is a patch level
		{"1.2.5_alpha1", "1.2.5_beta1", -1},
		{"1.3.1-r1", "1.3.1-r1", 0},
		{"20240705-r0", "20230506-r0", 1},
	},
	"AlmaLinux:9": {
		{"1.0~rc1", "1.0", -1}, // tilde: pre-release
		{"1.0^git1", "1.0", 1}, // caret: post-release snapshot
		{"1.0^git1", "1.0.1", -1},
		{"1.0~rc1^git1", "1.0~rc1", 1},
		{"1:1.0-1.el9", "2.0-1.el9", 1}, // epoch
		{"8.0.20-3.el9", "8.0.20-3.el9_1", -1},
		{"1.2.11-40.el9", "1.2.11-39.el9", 1},
		{"2.9.0-1.el9", "2.10.0-1.el9", -1},
		{"1.0-1", "1.0", 1}, // a release beats no release (rpm 4.18)
		{"1a", "1", 1},
	},
	"Go": {
		{"v1.2.3", "1.2.3", 0},
		{"0.7.0", "v0.17.0", -1},
		{"v0.0.0-20210101000000-abcdefabcdef", "v0.0.1", -1}, // pseudo-version
		{"v0.0.0-20210101000000-abcdefabcdef", "v0.0.0-20220101000000-abcdefabcdef", -1},
		{"v1.3.2-0.20210101000000-abcdefabcdef", "v1.3.1", 1}, // pseudo after v1.3.1
		{"v2.0.0+incompatible", "v2.0.0", 0},
		{"1.0.0-rc.1", "1.0.0", -1},
		{"0", "0.0.1", -1},
		{"go1.21.0", "1.21.0", 0},
		{"go1.21", "1.21.0", 0},
		{"go1.21rc2", "1.21.0", -1},
		{"go1.21rc2", "1.21.0-rc.2", 0},
		{"go1.9beta1", "1.9.0-beta.1", 0},
		{"go1.20.14", "go1.21.0", -1},
		{"go1.20 X:boringcrypto", "1.20.0", 0},
	},
	"SEMVER": {
		{"1.0.0-alpha", "1.0.0-alpha.1", -1},
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
		{"1.0.0-beta.2", "1.0.0-beta.11", -1},
		{"1.0.0-rc.1", "1.0.0", -1},
		{"1.0.0+build.1", "1.0.0", 0},
		{"1.10.0", "1.9.0", 1},
	},
	"crates.io": {
		{"0.3.10", "0.3.9", 1},
		{"1.0.0-pre.1", "1.0.0", -1},
	},
	"npm": {
		{"4.17.15", "4.17.21", -1},
		{"1.2.6", "1.2.10", -1},
		{"1.0.0-beta.1", "1.0.0", -1},
	},
	"PyPI": {
		{"1.0", "1.0.0", 0},
		{"1.0.post1", "1.0", 1},
		{"1.0.dev1", "1.0a1", -1},
		{"1.0a1", "1.0b1", -1},
		{"1.0rc1", "1.0", -1},
		{"1.0+local.1", "1.0", 1},
		{"1!0.5", "2.0", 1}, // epoch
		{"5.1b7", "5.1", -1},
		{"3.10", "3.9", 1},
		{"2.0.0.post1.dev1", "2.0.0.post1", -1},
	},
	"Maven": {
		{"1.0", "1.0.0", 0},
		{"1.0-alpha-1", "1.0", -1},
		{"1.0-SNAPSHOT", "1.0", -1},
		{"1.0-rc1", "1.0-SNAPSHOT", -1},
		{"2.9.10.8", "2.9.10", 1},
		{"1.0-sp1", "1.0", 1},
	},
	"RubyGems": {
		{"1.0.0.pre", "1.0.0", -1},
		{"1.10", "1.9", 1},
		{"1.0.a", "1.0.b", -1},
	},
	"Packagist": {
		{"v1.2.3", "1.2.3", 0},
		{"1.0.0-beta1", "1.0.0", -1},
		{"2.4.10", "2.4.9", 1},
	},
	"NuGet": {
		{"1.2.3.4", "1.2.3", 1},
		{"4.0.0-preview1", "4.0.0", -1},
		{"13.0.1", "13.0.3", -1},
	},
}

func TestCompare(t *testing.T) {
	for eco, cases := range compareCases {
		c, err := For(eco)
		if err != nil {
			t.Fatalf("For(%q): %v", eco, err)
		}
		for _, tc := range cases {
			t.Run(eco+"/"+tc.a+"_vs_"+tc.b, func(t *testing.T) {
				got, err := c.Compare(tc.a, tc.b)
				if err != nil {
					t.Fatalf("Compare(%q, %q): %v", tc.a, tc.b, err)
				}
				if got != tc.want {
					t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
				}
				// Antisymmetry: the reverse comparison must agree.
				rev, err := c.Compare(tc.b, tc.a)
				if err != nil {
					t.Fatalf("Compare(%q, %q): %v", tc.b, tc.a, err)
				}
				if rev != -tc.want {
					t.Errorf("Compare(%q, %q) = %d, want %d", tc.b, tc.a, rev, -tc.want)
				}
			})
		}
	}
}

func TestCompareInvalid(t *testing.T) {
	cases := []struct{ eco, a string }{
		{"Debian:12", "not a version!"},
		{"Debian:12", ""},
		{"Alpine:v3.20", "1.2.3-rX"},
		{"Alpine:v3.20", ""},
		{"AlmaLinux:9", ""},
		{"AlmaLinux:9", "x:1.0-1"},
		{"Go", "(devel)"},
		{"Go", "latest"},
		{"SEMVER", "one.two"},
		{"PyPI", "not-a-version"},
		{"Maven", ""},
		{"RubyGems", "1.0 beta"},
		{"npm", "^1.2.3"},
	}
	for _, tc := range cases {
		c, err := For(tc.eco)
		if err != nil {
			t.Fatalf("For(%q): %v", tc.eco, err)
		}
		if _, err := c.Compare(tc.a, "1.0"); err == nil {
			t.Errorf("%s: Compare(%q, 1.0) succeeded, want an error", tc.eco, tc.a)
		}
	}
}

func TestForUnsupported(t *testing.T) {
	for _, eco := range []string{"", "Hex", "Linux", "GIT"} {
		if _, err := For(eco); !errors.Is(err, ErrUnsupported) {
			t.Errorf("For(%q) error = %v, want ErrUnsupported", eco, err)
		}
	}
}

func TestForRange(t *testing.T) {
	// A SEMVER range in Go keeps Go's reading of toolchain tags.
	c, err := ForRange("Go", RangeSemver)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Compare("go1.21.0", "1.21.0"); err != nil || got != 0 {
		t.Errorf("Go SEMVER Compare(go1.21.0, 1.21.0) = %d, %v", got, err)
	}
	// A SEMVER range elsewhere is plain SemVer, whatever the ecosystem.
	c, err = ForRange("PyPI", RangeSemver)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compare("1.0.post1", "1.0.0"); err == nil {
		t.Error("PyPI SEMVER range accepted a PEP 440 post-release")
	}
}

func TestGoSemver(t *testing.T) {
	cases := map[string]string{
		"go1.21.0":        "v1.21.0",
		"1.21.0":          "v1.21.0",
		"go1.20":          "v1.20.0",
		"go1.21rc2":       "v1.21.0-rc.2",
		"v0.7.0":          "v0.7.0",
		"0.7.0":           "v0.7.0",
		"(devel)":         "",
		"v2.2.7":          "v2.2.7",
		"1.0.0-rc.1":      "v1.0.0-rc.1",
		"v1.0.0-20200101": "v1.0.0-20200101",
	}
	for in, want := range cases {
		if got := GoSemver(in); got != want {
			t.Errorf("GoSemver(%q) = %q, want %q", in, got, want)
		}
	}
}

// rpmVercmp asks the installed rpm for its own ordering of pairs, in one
// process: rpm.vercmp is rpm's rpmverCmp on full [epoch:]version[-release]
// strings. It skips when rpm is absent unless SCANFLEET_REQUIRE_SERVICES=1.
func rpmVercmp(t *testing.T, pairs [][2]string) []int {
	t.Helper()
	bin, err := exec.LookPath("rpm")
	if err != nil {
		if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
			t.Fatal("rpm not installed but SCANFLEET_REQUIRE_SERVICES=1: apt-get install rpm")
		}
		t.Skip("rpm not installed (apt-get install rpm): cannot check against rpm's own ordering")
	}
	var lua strings.Builder
	for _, p := range pairs {
		for _, v := range p {
			if strings.ContainsAny(v, "[]\n%") {
				t.Fatalf("version %q cannot be quoted for rpm lua", v)
			}
		}
		fmt.Fprintf(&lua, "print(rpm.vercmp([[%s]], [[%s]]) .. '\\n')\n", p[0], p[1])
	}
	f, err := os.CreateTemp(t.TempDir(), "vercmp-*.lua")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(lua.String()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command(bin, "--eval", "%{lua: dofile([["+f.Name()+"]])}").Output()
	if err != nil {
		t.Fatalf("rpm --eval: %v", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(pairs) {
		t.Fatalf("rpm gave %d answers for %d pairs: %.200q", len(lines), len(pairs), out)
	}
	res := make([]int, len(lines))
	for i, l := range lines {
		n, err := strconv.Atoi(l)
		if err != nil {
			t.Fatalf("rpm answer %q: %v", l, err)
		}
		res[i] = sign(n)
	}
	return res
}

func checkAgainstRPM(t *testing.T, pairs [][2]string) {
	t.Helper()
	want := rpmVercmp(t, pairs)
	c, _ := For("AlmaLinux:9")
	bad := 0
	for i, p := range pairs {
		got, err := c.Compare(p[0], p[1])
		if err != nil {
			t.Errorf("Compare(%q, %q): %v", p[0], p[1], err)
			continue
		}
		if got != want[i] {
			bad++
			if bad <= 20 {
				t.Errorf("Compare(%q, %q) = %d, rpm says %d", p[0], p[1], got, want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d pairs disagree with rpm", bad, len(pairs))
	}
}

func TestRPMAgainstRPMTable(t *testing.T) {
	var pairs [][2]string
	for _, tc := range compareCases["AlmaLinux:9"] {
		pairs = append(pairs, [2]string{tc.a, tc.b})
	}
	pairs = append(pairs, [][2]string{
		{"1.0~~", "1.0~"}, {"1.0~", "1.0"}, {"1.0^", "1.0"}, {"1.0^", "1.0~"},
		{"1.0^^", "1.0^"}, {"1.0~^", "1.0~"}, {"1.0a", "1.0.a"}, {"1.001", "1.1"},
		{"1.0.0", "1.0"}, {"2_0", "2.0"}, {"1.0-1.el9", "1.0-1.el9_0.1"},
		{"0:1.0-1", "1.0-1"}, {"10:1-1", "9:2-2"}, {"1.0~rc1-1", "1.0-0.1"},
		{"5.14.0-427.13.1.el9_4", "5.14.0-427.el9"}, {"abc", "abd"}, {"1.0", "1.0"},
		{"1.0b", "1.0a1"}, {"R", "r"}, {"1.0+2", "1.0_2"},
	}...)
	checkAgainstRPM(t, pairs)
}

// TestRPMAgainstRPMRealVersions orders, per package, the fixed versions of
// the real AlmaLinux advisories both ways and compares with rpm.
func TestRPMAgainstRPMRealVersions(t *testing.T) {
	p := testutil.Data(t, "advisories", "osv-almalinux.tar.gz")
	if _, err := exec.LookPath("rpm"); err != nil && os.Getenv("SCANFLEET_REQUIRE_SERVICES") != "1" {
		t.Skip("rpm not installed")
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	byPkg := map[string]map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if path.Ext(h.Name) != ".json" {
			continue
		}
		var rec struct {
			Affected []struct {
				Package struct{ Ecosystem, Name string }
				Ranges  []struct {
					Events []map[string]string
				}
			}
		}
		if err := json.NewDecoder(tr).Decode(&rec); err != nil {
			t.Fatalf("%s: %v", h.Name, err)
		}
		for _, a := range rec.Affected {
			k := a.Package.Ecosystem + "/" + a.Package.Name
			for _, r := range a.Ranges {
				for _, e := range r.Events {
					if v := e["fixed"]; v != "" {
						if byPkg[k] == nil {
							byPkg[k] = map[string]bool{}
						}
						byPkg[k][v] = true
					}
				}
			}
		}
	}
	keys := make([]string, 0, len(byPkg))
	for k := range byPkg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs [][2]string
	for _, k := range keys {
		vs := make([]string, 0, len(byPkg[k]))
		for v := range byPkg[k] {
			vs = append(vs, v)
		}
		sort.Strings(vs) // a deterministic, not a version, order
		for i := 1; i < len(vs); i++ {
			pairs = append(pairs, [2]string{vs[i-1], vs[i]})
		}
	}
	if len(pairs) < 1000 {
		t.Fatalf("only %d version pairs drawn from the advisories", len(pairs))
	}
	// Keep the rpm invocation small: every 4th pair still covers every
	// epoch/tilde/module-release form in the data.
	var sample [][2]string
	for i := 0; i < len(pairs); i += 4 {
		sample = append(sample, pairs[i])
	}
	t.Logf("checking %d of %d version pairs against rpm", len(sample), len(pairs))
	checkAgainstRPM(t, sample)
}

func BenchmarkCompareDeb(b *testing.B) {
	c, _ := For("Debian:12")
	for b.Loop() {
		if _, err := c.Compare("5.36.0-7+deb12u3", "5.36.0-7+deb12u4"); err != nil {
			b.Fatal(err)
		}
	}
}
