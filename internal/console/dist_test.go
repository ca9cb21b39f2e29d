package console

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestDistMatchesSources rebuilds the console from web/ with the locked
// npm packages and checks that the committed dist/ is what the sources
// give, so the two cannot drift apart. It needs node and npm (Debian's
// nodejs and npm packages) and, unless web/node_modules exists, the npm
// registry.
func TestDistMatchesSources(t *testing.T) {
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		t.Skip("node and npm are needed to rebuild the console (apt-get install nodejs npm)")
	}
	web := filepath.Join(testutil.ModuleRoot(t), "web")
	tmp := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "build.mjs"} {
		copyFile(t, filepath.Join(web, f), filepath.Join(tmp, f))
	}
	if err := os.CopyFS(filepath.Join(tmp, "src"), os.DirFS(filepath.Join(web, "src"))); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(web, "node_modules", ".package-lock.json")); err == nil {
		if err := os.Symlink(filepath.Join(web, "node_modules"), filepath.Join(tmp, "node_modules")); err != nil {
			t.Fatal(err)
		}
	} else {
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--prefer-offline")
		cmd.Dir = tmp
		if out, err := cmd.CombinedOutput(); err != nil {
			msg := "npm ci: " + err.Error() + "\n" + string(out)
			if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	out := filepath.Join(tmp, "dist")
	cmd := exec.Command(node, "build.mjs", out)
	cmd.Dir = tmp
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the console: %v\n%s", err, b)
	}
	built := readTree(t, os.DirFS(out))
	committed := readTree(t, os.DirFS("dist"))
	for name, b := range built {
		if c, ok := committed[name]; !ok {
			t.Errorf("dist/%s is missing: run `npm run build` in web/", name)
		} else if !bytes.Equal(b, c) {
			t.Errorf("dist/%s differs from what web/ builds: run `npm run build` in web/", name)
		}
	}
	for name := range committed {
		if _, ok := built[name]; !ok {
			t.Errorf("dist/%s is not built from web/ any more: delete it", name)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readTree(t *testing.T, fsys fs.FS) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out[p], err = fs.ReadFile(fsys, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHandler(t *testing.T) {
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	index, err := dist.ReadFile("dist/index.html")
	if err != nil {
		t.Fatal(err)
	}
	app, err := dist.ReadFile("dist/app.js")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		status       int
		body         []byte // nil: not checked
		ctype        string
	}{
		{"GET", "/console/", 200, index, "text/html; charset=utf-8"},
		{"GET", "/console/index.html", 200, index, "text/html; charset=utf-8"},
		{"GET", "/console/registries", 200, index, "text/html; charset=utf-8"},
		{"GET", "/console/app.js", 200, app, "text/javascript; charset=utf-8"},
		{"HEAD", "/console/app.js", 200, []byte{}, "text/javascript; charset=utf-8"},
		{"GET", "/console/favicon.svg", 200, nil, "image/svg+xml"},
		{"GET", "/console/missing.js", 404, nil, ""},
		// Only embedded files are ever served: a path that climbs out gets the
		// application, never a file from disk.
		{"GET", "/console/../../etc/passwd", 200, index, "text/html; charset=utf-8"},
		{"GET", "/console/../../etc/shadow.txt", 404, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if tc.body != nil && !bytes.Equal(rec.Body.Bytes(), tc.body) {
				t.Errorf("body differs from the embedded file (%d bytes, want %d)", rec.Body.Len(), len(tc.body))
			}
			if tc.ctype != "" && rec.Header().Get("Content-Type") != tc.ctype {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tc.ctype)
			}
			if tc.status == 200 && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("CSP %q", rec.Header().Get("Content-Security-Policy"))
			}
		})
	}
	// The page loads nothing from elsewhere (no CDN, no remote fonts); the
	// Content-Security-Policy would block it anyway.
	for _, name := range []string{"index.html", "style.css"} {
		b, _ := dist.ReadFile("dist/" + name)
		for _, bad := range []string{"http:", "https:", "//", "@import"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("dist/%s refers to %q", name, bad)
			}
		}
	}
}

func TestNewRejectsTreeWithoutIndex(t *testing.T) {
	if _, err := newHandler(os.DirFS(t.TempDir()), "."); err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Errorf("a tree without index.html: %v", err)
	}
}

var _ http.Handler = (*Handler)(nil)
