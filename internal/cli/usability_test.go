package cli

import (
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestFlagValueErrors: a bad flag value is a usage error (exit 2) that
// names the flag and what it wants, not a strconv message.
func TestFlagValueErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--exit-code", "abc", "x"}, `--exit-code "abc": want a whole number`},
		{[]string{"scan", "--timeout", "soon", "x"}, `--timeout "soon": want a duration`},
		{[]string{"host", "--max-depth", "deep"}, `--max-depth "deep": want a whole number`},
		{[]string{"scan", "--skip-db=maybe", "x"}, `--skip-db "maybe": want true or false`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, nil, tc.args...)
			if r.code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", r.code, ExitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "strconv") || strings.Contains(r.stderr, "time: invalid") {
				t.Errorf("stderr %q, want it to say %q and nothing of Go's parsers", r.stderr, tc.want)
			}
		})
	}
}

// TestScanPlatformOfSingleImage: --platform linux/arm64 on the amd64-only
// fixture used to scan amd64 silently.
func TestScanPlatformOfSingleImage(t *testing.T) {
	archive := testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.docker.tar")
	tests := []struct {
		name     string
		platform []string
		code     int
		stderr   string
	}{
		{name: "not given", code: ExitOK},
		{name: "the image's", platform: []string{"--platform", "linux/amd64"}, code: ExitOK},
		{name: "another", platform: []string{"--platform", "linux/arm64"}, code: ExitError, stderr: "is linux/amd64 only (a single-platform image), not linux/arm64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"scan", "--skip-db", "--no-cache", "-q", "--format", "json"}, tc.platform...)
			r := runCLI(t, nil, append(args, "docker-archive:"+archive)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}
}

// TestScanBarePath: 'scanfleet scan PATH' used to go to Docker Hub.
func TestScanBarePath(t *testing.T) {
	for _, name := range []string{"scan-fixture-alpine-3.20.3.docker.tar", "scan-fixture-alpine-3.20.3.oci.tar"} {
		t.Run(name, func(t *testing.T) {
			archive := testutil.Data(t, "images", name)
			r := runCLI(t, nil, "scan", "--skip-db", "--no-cache", "-q", "--format", "json", archive)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			rep := decode(t, r.stdout)
			if rep.OS == nil || rep.OS.ID != "alpine" || len(rep.Packages) == 0 || !strings.HasSuffix(rep.Image.Reference, archive) {
				t.Errorf("report: image %+v, os %+v, %d packages", rep.Image, rep.OS, len(rep.Packages))
			}
		})
	}
}
