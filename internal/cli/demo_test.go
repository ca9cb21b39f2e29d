package cli

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestDemoSaysWhatTakesTime runs the demo's main job on the Alpine mini
// root filesystem: it used to build its database without a word, then
// scan, with no time given for either.
func TestDemoSaysWhatTakesTime(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	secdb := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	npm := testutil.Data(t, "advisories", "osv-ghsa-npm-subset")
	r := runCLI(t, nil, "demo", "--rootfs", rootfs, "--advisories", secdb, "--advisories", npm, "--format", "json")
	if r.code != ExitOK {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	for _, re := range []string{
		`demo: loaded ` + regexp.QuoteMeta(secdb) + `: \d+ records in [0-9.]+m?s\n`,
		`demo: loaded ` + regexp.QuoteMeta(npm) + `: \d+ records in [0-9.]+m?s\n`,
		`demo: database .*: \d+ advisories, built in [0-9.]+m?s\n`,
		`demo: scanned .*/demo/app:1.0 in [0-9.]+m?s\n`,
	} {
		if !regexp.MustCompile(re).MatchString(r.stderr) {
			t.Errorf("stderr does not match %q:\n%s", re, r.stderr)
		}
	}
	if rep := decode(t, r.stdout); rep.OS == nil || rep.OS.ID != "alpine" || len(rep.Vulnerabilities) == 0 {
		t.Errorf("demo report: os %+v, %d findings", rep.OS, len(rep.Vulnerabilities))
	}
}

// TestDemoScriptProgress runs scripts/demo.sh's progress helpers on canned
// `go build -v` output: package lines are counted, compiler messages pass
// through, and the summary says how many were compiled.
func TestDemoScriptProgress(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	root := testutil.ModuleRoot(t)
	var in strings.Builder
	for i := range 120 {
		in.WriteString("example.com/pkg" + strings.Repeat("x", i%3) + "\n")
	}
	in.WriteString("# example.com/broken\nbroken/a.go:3:1: syntax error\n")
	cmd := exec.Command("bash", "-c", ". scripts/lib/progress.sh && build_progress 300")
	cmd.Dir = root
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"compiled 50 of at most 300 packages", "compiled 100 of at most 300 packages",
		"# example.com/broken\n", "broken/a.go:3:1: syntax error\n",
		"compiled 120 packages in",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
