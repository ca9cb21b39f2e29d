package dpkg

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnfinishedStatesFromRealDpkg has the real dpkg leave a package in
// its unfinished states (an unpack without configure; a configure whose
// postinst fails) and checks that the package is inventoried in both: its
// files are on disk, so its vulnerabilities are too.
func TestUnfinishedStatesFromRealDpkg(t *testing.T) {
	for _, tool := range []string{"dpkg", "dpkg-deb"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	dir := t.TempDir()
	pkg := filepath.Join(dir, "pkg")
	root := filepath.Join(dir, "root")
	for _, d := range []string{
		filepath.Join(pkg, "DEBIAN"), filepath.Join(pkg, "usr/share/demo"),
		filepath.Join(root, "var/lib/dpkg/updates"), filepath.Join(root, "var/lib/dpkg/info"),
	} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"pkg/DEBIAN/control":          "Package: demo\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: demo\n",
		"pkg/DEBIAN/postinst":         "#!/bin/sh\nexit 1\n",
		"pkg/usr/share/demo/a":        "a\n",
		"root/var/lib/dpkg/status":    "",
		"root/var/lib/dpkg/available": "",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	deb := filepath.Join(dir, "demo.deb")
	if out, err := exec.Command("dpkg-deb", "--build", "--root-owner-group", pkg, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v\n%s", err, out)
	}
	dpkg := func(args ...string) {
		args = append([]string{"--force-not-root", "--force-script-chrootless", "--root=" + root}, args...)
		// --configure fails on purpose (the postinst exits 1).
		out, _ := exec.Command("dpkg", args...).CombinedOutput()
		t.Logf("dpkg %v:\n%s", args, out)
	}
	steps := []struct {
		name, status string
		run          func()
	}{
		{"unpack", "install ok unpacked", func() { dpkg("--unpack", deb) }},
		{"failed configure", "install ok half-configured", func() { dpkg("--configure", "demo") }},
	}
	for _, st := range steps {
		st.run()
		content, err := os.ReadFile(filepath.Join(root, statusPath))
		if err != nil {
			t.Fatal(err)
		}
		status, ok := statusLine(content)
		if !ok {
			t.Fatalf("after %s: dpkg wrote no package:\n%s", st.name, content)
		}
		if status != st.status {
			t.Fatalf("after %s: dpkg wrote Status %q, want %q (test setup)", st.name, status, st.status)
		}
		res, err := New().Analyze(context.Background(), statusPath, content)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Packages) != 1 || res.Packages[0].Name != "demo" || res.Packages[0].Version != "1.0-1" {
			t.Errorf("after %s (%s): packages %+v, want demo 1.0-1", st.name, st.status, res.Packages)
		}
	}
}

// statusLine reads the Status line of the only stanza, independently of
// Parse.
func statusLine(content []byte) (string, bool) {
	for _, line := range strings.Split(string(content), "\n") {
		if v, ok := strings.CutPrefix(line, "Status: "); ok {
			return v, true
		}
	}
	return "", false
}
