package feed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Fingerprint identifies the content of a feed as it was last read, so an
// incremental update can tell an unchanged feed without downloading it
// (ETag, Last-Modified: a conditional GET answered 304) or without parsing
// it again (the content's sha256, for servers that send no validators or
// change them without changing the content).
type Fingerprint struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
}

// Fetched is the outcome of Fetch.
type Fetched struct {
	// Fingerprint of the content now served (the previous one when
	// NotModified).
	Fingerprint Fingerprint
	// Path is the downloaded body, in the directory given to Fetch; the
	// caller removes it. Empty when NotModified.
	Path string
	// NotModified is set when the server answered 304 to the conditional
	// request: nothing was downloaded.
	NotModified bool
}

// Fetch downloads an http(s) source to a file in dir, sending prev's
// validators so that an unchanged feed costs one 304 and no download.
// Any status other than 200 and 304 is an error naming the URL.
func Fetch(ctx context.Context, client *http.Client, src string, prev Fingerprint, dir string) (Fetched, error) {
	if client == nil {
		client = http.DefaultClient
	}
	u, err := url.Parse(src)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return Fetched{}, fmt.Errorf("fetch %s: not an http(s) URL", src)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return Fetched{}, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Fetched{}, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && (prev.ETag != "" || prev.LastModified != ""):
		return Fetched{Fingerprint: prev, NotModified: true}, nil
	case resp.StatusCode != http.StatusOK:
		return Fetched{}, fmt.Errorf("GET %s: %s", u.Redacted(), resp.Status)
	}
	f, err := os.CreateTemp(dir, "fetch-*")
	if err != nil {
		return Fetched{}, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(resp.Body, maxDownload+1))
	if err == nil && n > maxDownload {
		err = fmt.Errorf("download larger than %d bytes", int64(maxDownload))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return Fetched{}, fmt.Errorf("fetch %s: download: %w", u.Redacted(), err)
	}
	return Fetched{
		Fingerprint: Fingerprint{
			ETag:         resp.Header.Get("ETag"),
			LastModified: resp.Header.Get("Last-Modified"),
			SHA256:       hex.EncodeToString(h.Sum(nil)),
		},
		Path: f.Name(),
	}, nil
}

// LoadFetched reads file, a copy of the http(s) source src downloaded by
// Fetch, exactly as LoadAll(src) would read it from the network (member
// names, relative references and mirror lists resolved against src).
// Stats.Requests tells whether the load made requests of its own (a
// mirror list, repomd.xml): then the file's fingerprint alone does not
// identify what was loaded.
func LoadFetched(ctx context.Context, src, file string, emit EmitFunc, opts Options) (Stats, error) {
	st := Stats{Source: src}
	l := newLoader(ctx, &st, emit, opts)
	u, err := url.Parse(src)
	if err != nil {
		return st, fmt.Errorf("load %s: %w", src, err)
	}
	f, err := os.Open(file)
	if err != nil {
		return st, fmt.Errorf("load %s: %w", src, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return st, fmt.Errorf("load %s: %w", src, err)
	}
	l.base = u
	if isMirrorList(u) {
		err = l.loadMirrorList(u, f)
	} else {
		err = l.loadStream(path.Base(u.Path), f, f, fi.Size())
	}
	if err != nil {
		return st, fmt.Errorf("load %s: %w", src, err)
	}
	return st, nil
}

// FingerprintPath fingerprints a local source: the sha256 of a file, or
// for a directory the sha256 of every regular file's relative name and
// content, in lexical order (what loadDir reads).
func FingerprintPath(p string) (Fingerprint, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("fingerprint %s: %w", p, err)
	}
	h := sha256.New()
	if !fi.IsDir() {
		if err := hashFile(h, p); err != nil {
			return Fingerprint{}, err
		}
		return Fingerprint{SHA256: hex.EncodeToString(h.Sum(nil))}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, q)
		}
		return nil
	})
	if err != nil {
		return Fingerprint{}, fmt.Errorf("fingerprint %s: %w", p, err)
	}
	sort.Strings(files)
	for _, q := range files {
		rel, _ := filepath.Rel(p, q)
		fmt.Fprintf(h, "%d:%s\x00", len(rel), filepath.ToSlash(rel))
		if err := hashFile(h, q); err != nil {
			return Fingerprint{}, err
		}
	}
	return Fingerprint{SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func hashFile(h io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("fingerprint %s: %w", p, err)
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("fingerprint %s: %w", p, err)
	}
	return nil
}

// IsURL reports whether src is an http(s) URL (rather than a path).
func IsURL(src string) bool {
	u, err := url.Parse(src)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https")
}

// IsAPI reports whether src is read page by page from an API (the NVD
// CVE API) rather than downloaded as one document.
func IsAPI(src string) bool {
	u, err := url.Parse(src)
	return err == nil && strings.HasSuffix(strings.TrimRight(u.Path, "/"), NVDAPIPath)
}
