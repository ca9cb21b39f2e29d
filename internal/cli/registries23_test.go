package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
)

// TestRegistryAddKinds: `registry add` takes each kind's fields (secrets
// from files, never the command line) and `registry list` shows the kind
// and limits; bad values are refused (issue #23).
func TestRegistryAddKinds(t *testing.T) {
	f := newFleet(t, "", 0)
	admin := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.admin}
	dir := t.TempDir()
	tokFile, hookFile := filepath.Join(dir, "api-token"), filepath.Join(dir, "hook")
	if err := os.WriteFile(tokFile, []byte("quay-oauth-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hookFile, []byte("hook-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"registry", "add", "quay", "--url", "https://quay.io", "--kind", "quay", "--namespace", "acme", "--api-token-file", tokFile,
			"--webhook-secret-file", hookFile, "--max-pulls", "4", "--pulls-per-second", "2"}, 0, "configured"},
		{[]string{"registry", "add", "hub", "--url", "https://index.docker.io", "--kind", "dockerhub", "--repository", "alpine:3.*",
			"--repository", "acme/app"}, 0, "configured"},
		{[]string{"registry", "add", "x", "--url", "https://x.example", "--kind", "nope"}, ExitError, "unknown kind"},
		{[]string{"registry", "add", "x", "--url", "https://x.example", "--max-pulls", "-1"}, ExitUsage, "must not be negative"},
		{[]string{"registry", "add", "x", "--url", "https://x.example", "--api-token-file", filepath.Join(dir, "missing")}, ExitUsage, "--api-token-file"},
	} {
		r := runCLI(t, admin, c.args...)
		if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.want) {
			t.Errorf("%v: exit %d, %s%s; want %d with %q", c.args, r.code, r.stdout, r.stderr, c.code, c.want)
		}
	}
	r := runCLI(t, admin, "registry", "list", "--format", "json")
	for _, secret := range []string{"quay-oauth-token", "hook-secret"} {
		if strings.Contains(r.stdout, secret) {
			t.Fatalf("registry list shows a secret: %s", r.stdout)
		}
	}
	regs := decodeJSON[[]api.RegistryView](t, r.stdout)
	if len(regs) != 2 || regs[1].Kind != "quay" || regs[1].Namespace != "acme" || !regs[1].APITokenSet || !regs[1].WebhookSecretSet ||
		regs[1].MaxPulls != 4 || regs[1].PullsPerSecond != 2 || !slices.Equal(regs[0].Repositories, []string{"alpine:3.*", "acme/app"}) {
		t.Errorf("registry list: %+v", regs)
	}
	r = runCLI(t, admin, "registry", "list")
	if !strings.Contains(r.stdout, "quay") || !strings.Contains(r.stdout, "4 pulls, 2/s") || !strings.Contains(r.stdout, "dockerhub") {
		t.Errorf("registry list table:\n%s", r.stdout)
	}
}
