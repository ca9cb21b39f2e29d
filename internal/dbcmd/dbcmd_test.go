package dbcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// run executes `db ARGS...` in-process and returns stdout, stderr, error.
func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	cmd := NewCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestCommands(t *testing.T) {
	npm := testutil.Data(t, "advisories", "osv-ghsa-npm-subset")
	alpine := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")

	out, errOut, err := run(t, "build", "--out", db, npm, alpine)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, errOut)
	}
	for _, want := range []string{"loaded " + npm, "loaded " + alpine, "malformed"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("build progress lacks %q:\n%s", want, errOut)
		}
	}
	for _, want := range []string{"Schema version:", "Digest:", "sha256:", "MALFORMED", npm} {
		if !strings.Contains(out, want) {
			t.Errorf("build output lacks %q:\n%s", want, out)
		}
	}

	out, _, err = run(t, "info", "--db", db, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var info vulndb.Info
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatalf("info --json: %v\n%s", err, out)
	}
	if info.SchemaVersion != vulndb.SchemaVersion || len(info.Sources) != 2 || info.Sources[0].Records != 2 {
		// osv-ghsa-npm-subset holds two advisories (lodash, minimist)
		t.Errorf("info: %+v", info)
	}

	exp := filepath.Join(dir, "db.export")
	if _, errOut, err := run(t, "export", "--db", db, "--out", exp); err != nil {
		t.Fatalf("export: %v %s", err, errOut)
	}
	imported := filepath.Join(dir, "imported", "b.db")
	if _, _, err := run(t, "import", "--in", exp, "--db", imported); err != nil {
		t.Fatalf("import: %v", err)
	}
	out, _, err = run(t, "info", "--db", imported)
	if err != nil || !strings.Contains(out, info.Digest) {
		t.Errorf("info of imported db: %v\n%s", err, out)
	}

	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	ref := u.Host + "/scanfleet/db:latest"
	if out, _, err = run(t, "push", "--db", db, "--insecure", ref); err != nil || !strings.Contains(out, "@sha256:") {
		t.Fatalf("push: %v %s", err, out)
	}
	pulled := filepath.Join(dir, "pulled.db")
	if out, _, err = run(t, "pull", ref, "--db", pulled, "--insecure"); err != nil || !strings.Contains(out, info.Digest) {
		t.Fatalf("pull: %v %s", err, out)
	}

	t.Setenv("SCANFLEET_DB", pulled)
	if out, _, err = run(t, "info"); err != nil || !strings.Contains(out, pulled) {
		t.Errorf("info with $SCANFLEET_DB: %v\n%s", err, out)
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("this is not a database"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"build", filepath.Join(dir, "src")}, "--out FILE is required"},
		{[]string{"build", "--out", filepath.Join(dir, "x.db"), filepath.Join(dir, "missing")}, "missing"},
		{[]string{"info", "--db", filepath.Join(dir, "none.db")}, "no such file"},
		{[]string{"info", "--db", garbage}, "not a scanfleet vulnerability database"},
		{[]string{"import", "--in", garbage, "--db", filepath.Join(dir, "y.db")}, "not a scanfleet database export"},
		{[]string{"export", "--db", garbage, "--out", filepath.Join(dir, "e")}, "not a scanfleet vulnerability database"},
		{[]string{"update", "--db", filepath.Join(dir, "u.db"), "--source", filepath.Join(dir, "nope.zip")}, "nope.zip"},
		{[]string{"update", "--config", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[:1], " "), func(t *testing.T) {
			_, _, err := run(t, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line containing %q", err, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "e")); !os.IsNotExist(err) {
		t.Error("failed export left its output file")
	}
}

// TestInfoVerify: `db info` checks the header, metadata and digest tree
// roots (a damaged data page passes, as it would pass Open), `db info
// --verify` checks every page and names the damaged one.
func TestInfoVerify(t *testing.T) {
	npm := testutil.Data(t, "advisories", "osv-ghsa-npm-subset")
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	if _, errOut, err := run(t, "build", "--out", db, npm); err != nil {
		t.Fatalf("build: %v\n%s", err, errOut)
	}
	b, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-10] ^= 0x10 // in the last data block
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string // "" for success
	}{
		{"good", []string{"info", "--db", db}, ""},
		{"good, verified", []string{"info", "--db", db, "--verify"}, ""},
		{"damaged data page", []string{"info", "--db", bad}, ""},
		{"damaged data page, verified", []string{"info", "--db", bad, "--verify"}, "data block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := run(t, tc.args...)
			switch {
			case tc.want == "" && (err != nil || !strings.Contains(out, "Digest:")):
				t.Errorf("%v: %v\n%s", tc.args, err, out)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), bad)):
				t.Errorf("%v: %v, want an error naming %s and %q", tc.args, err, bad, tc.want)
			}
		})
	}
}
