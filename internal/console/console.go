// Package console is the controller's web console: a single-page
// application (sources in web/, built with esbuild into dist/, which is
// committed) embedded into the binary, so the controller serves it with no
// other server and no network access to a CDN.
//
// The console has no authentication of its own: its static files are
// public, and the application sends the API token the user typed at login
// as "Authorization: Bearer" on every API call, so there is a single
// authentication path (the API's). Pages are routed client-side with the
// URL fragment (/console/#/images), so every page is one file, index.html.
package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed dist
var dist embed.FS

// Prefix is where the console is served.
const Prefix = "/console/"

// file is one embedded asset, read once.
type file struct {
	body  []byte
	ctype string
	etag  string
}

// Handler serves the console under Prefix: its assets, and index.html for
// any other path without an extension.
type Handler struct {
	files map[string]file
}

// New reads the embedded assets.
func New() (*Handler, error) {
	return newHandler(dist, "dist")
}

func newHandler(fsys fs.FS, root string) (*Handler, error) {
	h := &Handler{files: map[string]file{}}
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(b)
		h.files[strings.TrimPrefix(p, root+"/")] = file{body: b, ctype: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("console assets: %w", err)
	}
	if _, ok := h.files["index.html"]; !ok {
		return nil, fmt.Errorf("console assets: no index.html in %s", root)
	}
	return h, nil
}

// securityPolicy lets the page load only its own script, style and images,
// and talk only to its own origin: the token in its memory cannot be sent
// elsewhere by injected markup, and the console cannot be framed.
const securityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, Prefix)
	if name == "" {
		name = "index.html"
	}
	f, ok := h.files[name]
	if !ok && path.Ext(name) == "" {
		// A path without an extension is a page, not an asset: the
		// application routes it (today by the fragment, so this only
		// makes stray links land on the console rather than on 404).
		f, ok = h.files["index.html"]
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("ETag", f.etag)
	// Revalidate every time: the files are small, and a controller upgrade
	// must not leave an old app.js in browsers.
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", securityPolicy)
	if match := r.Header.Get("If-None-Match"); match != "" && match == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(f.body)
}
