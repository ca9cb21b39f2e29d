// Package feed reads vulnerability feeds into advisory.Advisory records:
// OSV records (JSON or YAML, one per file, in a directory, a zip such as
// OSV's per-ecosystem all.zip, or a tar.gz), Alpine's secdb (per-branch
// JSON, vuln-list's per-package split files, and the legacy YAML), and the
// Debian security tracker's JSON export; yum updateinfo.xml and OVAL
// documents; SUSE CVRF and Red Hat CSAF documents, through the readers
// beside their descriptors (internal/ecosystem/suse/cvrf,
// internal/ecosystem/redhat/csaf). Archives may be zip, tar.gz, tar.bz2
// or tar.zst. It also parses the tracker's
// DSA/DLA list files (see ParseDSAList), which the database builder uses to
// attach advisory ids to Debian records.
//
// Loading streams: records are handed to a callback one by one, archives
// are read member by member, and the Debian tracker export (tens of MB) is
// decoded one source package at a time. A malformed record is counted and
// skipped; only an unreadable source fails the load.
package feed

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
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
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/debian/tracker"
	"github.com/scanfleet/scanfleet/internal/enrich"
	"github.com/scanfleet/scanfleet/internal/feed/format"
)

// Stats describes one load.
type Stats struct {
	// Source is what was loaded (a path or URL).
	Source string
	// Files counts the feed documents read (JSON or YAML files and
	// archive members that looked like one), malformed ones included.
	Files int
	// Records counts the advisories emitted.
	Records int
	// Withdrawn counts OSV records marked withdrawn, which are not emitted.
	Withdrawn int
	// Skipped counts what was deliberately not emitted: files that are not
	// feed documents (LICENSE, README.md), records with nothing matchable
	// (only GIT ranges), "not affected" statements (secdb fixed version
	// "0", tracker fixed_version "0", <removed>, sid-only entries).
	Skipped int
	// Malformed counts records that could not be used: bad JSON or YAML,
	// unknown ecosystem, bad version, impossible or empty ranges.
	Malformed int
	// Errors holds the first MaxErrors malformed-record causes, each
	// naming the file (and record) it came from.
	Errors []string
	// Enrichment counts the enrichment records emitted (CVE JSON 5, NVD,
	// KEV entries, EPSS rows); see LoadAll.
	Enrichment int
	// Requests counts the HTTP requests the load made (the source itself
	// when it is a URL, mirror lists, repomd.xml, API pages).
	Requests int
}

// MaxErrors is how many causes Stats.Errors keeps.
const MaxErrors = 20

// Limits on what one load reads, so that a hostile or broken source cannot
// exhaust memory or disk.
const (
	// maxDocSize bounds one JSON or YAML document read into memory (see
	// format.MaxDocSize).
	maxDocSize = format.MaxDocSize
	// maxDownload bounds an HTTP download spooled to disk (zip archives
	// need random access).
	maxDownload = 4 << 30
)

// EmitFunc receives each advisory. Returning an error stops the load.
type EmitFunc func(*advisory.Advisory) error

// EnrichFunc receives each enrichment record. Returning an error stops
// the load.
type EnrichFunc func(*advisory.Enrichment) error

type loader struct {
	ctx    context.Context
	stats  *Stats
	emit   EmitFunc
	enrich EnrichFunc // nil: enrichment documents are skipped
	client *http.Client
	// base is the URL of the document being read (nil for files), which
	// repomd.xml's relative locations are resolved against; hops counts
	// the mirror.list and repomd.xml redirections followed.
	base *url.URL
	hops int
	// Reused for every document of an archive: a zip of 200,000 OSV
	// records would otherwise allocate 64 KiB of buffer and the record's
	// bytes 200,000 times, and the garbage collector would pay for it.
	docReader *bufio.Reader
	docBusy   bool
	docData   bytes.Buffer
	// What the archive member being read said of itself (see Member).
	onMalformed func(string)
	onMember    func(MemberResult)
	member      MemberResult
}

// The loader is the format.Sink of the readers it hands documents to.
var _ format.Sink = (*loader)(nil)

// Malformed counts a record that could not be used and keeps its cause.
func (l *loader) Malformed(name, msgFormat string, args ...any) {
	l.stats.Malformed++
	msg := name + ": " + fmt.Sprintf(msgFormat, args...)
	if len(l.stats.Errors) < MaxErrors {
		l.stats.Errors = append(l.stats.Errors, msg)
	}
	if l.onMalformed != nil {
		l.onMalformed(msg)
	}
	if l.onMember != nil && len(l.member.Errors) < MaxErrors {
		l.member.Errors = append(l.member.Errors, msg)
	}
}

// Send emits one advisory; an error it returns (the consumer's, or the
// load's cancellation) ends the load.
func (l *loader) Send(a *advisory.Advisory) error {
	if err := format.Cancelled(l.ctx); err != nil {
		return err
	}
	if err := l.emit(a); err != nil {
		return format.Stop{Err: fmt.Errorf("emit %s: %w", a.ID, err)}
	}
	l.stats.Records++
	return nil
}

// Skip counts records deliberately not emitted.
func (l *loader) Skip(n int) { l.stats.Skipped += n }

// String gives a one-line summary of the stats.
func (s Stats) String() string {
	return fmt.Sprintf("%s: %d files, %d records, %d withdrawn, %d skipped, %d malformed",
		s.Source, s.Files, s.Records, s.Withdrawn, s.Skipped, s.Malformed)
}

// Load reads advisories from src — a directory, a .zip (OSV all.zip), a
// .tar.gz/.tgz, a single .json/.yaml file, or an http(s) URL of any of
// those — detecting the format by content, calling emit for each advisory.
// Malformed records are counted in Stats and skipped, never fatal to the
// whole load; unreadable sources are errors. client may be nil
// (http.DefaultClient).
func Load(ctx context.Context, src string, client *http.Client, emit func(*advisory.Advisory) error) (Stats, error) {
	return LoadAll(ctx, src, emit, Options{Client: client})
}

// Options tunes LoadAll. The zero value is Load's behaviour.
type Options struct {
	// Client fetches URL sources; nil means http.DefaultClient.
	Client *http.Client
	// Enrich receives enrichment records; nil skips enrichment documents.
	Enrich EnrichFunc
	// NVDAPIKey is sent as the "apiKey" header to the NVD CVE API, which
	// then allows 50 requests per 30 seconds instead of 5.
	NVDAPIKey string
	// NVDInterval is the pause between two NVD API requests; zero means
	// NVD's published limits (6 s, or 0.6 s with a key).
	NVDInterval time.Duration
	// Malformed, when set, receives every malformed-record cause (Stats
	// keeps only the first MaxErrors, in reading order).
	Malformed func(msg string)
	// Member, when set, is told what each zip archive member held, after
	// its records were emitted (see MemberResult).
	Member func(MemberResult)
}

// LoadAll is Load that also reads the enrichment documents it meets (CVE
// JSON 5 records, NVD CVE API 2.0 pages or cve objects, CISA's KEV
// catalog, FIRST's EPSS CSV, told apart by content; see package enrich)
// and hands them to opts.Enrich. A malformed enrichment record is counted
// like a malformed advisory; an enrichment document that cannot be read
// as a whole (a KEV catalog or an EPSS file with a bad row) is malformed
// as a whole, with the cause. A URL whose path ends in /rest/json/cves/2.0
// is the NVD CVE API: it is read page by page (see loadNVDAPI).
func LoadAll(ctx context.Context, src string, emit EmitFunc, opts Options) (Stats, error) {
	st := Stats{Source: src}
	l := newLoader(ctx, &st, emit, opts)
	var err error
	if u, perr := url.Parse(src); perr == nil && (u.Scheme == "http" || u.Scheme == "https") {
		if strings.HasSuffix(strings.TrimRight(u.Path, "/"), NVDAPIPath) {
			err = l.loadNVDAPI(u, opts)
		} else {
			err = l.loadURL(u, opts.Client)
		}
	} else {
		err = l.loadPath(src)
	}
	if err != nil {
		return st, fmt.Errorf("load %s: %w", src, err)
	}
	return st, nil
}

func (l *loader) loadPath(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return l.loadDir(p)
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return l.loadStream(filepath.Base(p), f, f, fi.Size())
}

// loadDir reads every regular file under dir, in lexical order so that
// loads are reproducible.
func (l *loader) loadDir(dir string) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, p := range files {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err == nil {
			err = l.loadStream(filepath.ToSlash(rel), f, f, fi.Size())
		}
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) loadURL(u *url.URL, client *http.Client) error {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(l.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	l.stats.Requests++
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u.Redacted(), resp.Status)
	}
	prev := l.base
	l.base = u
	defer func() { l.base = prev }()
	if isMirrorList(u) {
		return l.loadMirrorList(u, resp.Body)
	}
	name := path.Base(u.Path)
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	head, _ := br.Peek(4)
	if !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return l.loadStream(name, br, nil, -1)
	}
	// A zip's directory is at its end: spool it to a temporary file.
	tmp, err := os.CreateTemp("", "scanfleet-feed-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, io.LimitReader(br, maxDownload+1))
	if err != nil {
		return fmt.Errorf("download: %w", err)
	}
	if n > maxDownload {
		return fmt.Errorf("download larger than %d bytes", int64(maxDownload))
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return l.loadStream(name, tmp, tmp, n)
}

// loadStream reads one file: an archive (by magic number) or a document.
// ra and size are set when the file allows random access (needed by zip).
func (l *loader) loadStream(name string, r io.Reader, ra io.ReaderAt, size int64) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		if ra == nil {
			return fmt.Errorf("%s: zip archive needs random access", name)
		}
		return l.loadZip(name, ra, size)
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer gz.Close()
		inner := bufio.NewReaderSize(gz, 64<<10)
		ih, _ := inner.Peek(512)
		if isTar(ih) {
			return l.loadTar(name, inner)
		}
		return l.loadDoc(strings.TrimSuffix(name, ".gz"), inner)
	case bytes.HasPrefix(head, []byte("BZh")) && len(head) > 3 && head[3] >= '1' && head[3] <= '9':
		// bzip2 (Oracle's OVAL file).
		inner := bufio.NewReaderSize(bzip2.NewReader(br), 64<<10)
		ih, _ := inner.Peek(512)
		if isTar(ih) {
			return l.loadTar(name, inner)
		}
		return l.loadDoc(strings.TrimSuffix(name, ".bz2"), inner)
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		// zstd (Red Hat's CSAF archives, csaf_advisories_<date>.tar.zst).
		// The window is bounded so that a hostile frame header cannot
		// make the decoder allocate gigabytes.
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<27))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		inner := bufio.NewReaderSize(zr, 64<<10)
		ih, _ := inner.Peek(512)
		if isTar(ih) {
			return l.loadTar(name, inner)
		}
		return l.loadDoc(strings.TrimSuffix(name, ".zst"), inner)
	case isTar(head):
		return l.loadTar(name, br)
	}
	return l.loadDoc(name, br)
}

func isTar(head []byte) bool {
	return len(head) >= 262 && string(head[257:262]) == "ustar"
}

func (l *loader) loadTar(name string, r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: read tar: %w", name, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := l.loadDoc(name+":"+strings.TrimPrefix(h.Name, "./"), tr); err != nil {
			return err
		}
	}
}

func (l *loader) loadZip(name string, ra io.ReaderAt, size int64) error {
	zw, err := newZipWalker(ra, size)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		e, err := zw.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if isZipDir(e.name) {
			continue
		}
		rc, err := zw.open(e)
		if err := l.loadMember(name, e.name, rc, err); err != nil {
			return err
		}
	}
}

// loadMember reads one archive member (r, or the error opening it) and
// reports what it held to opts.Member.
func (l *loader) loadMember(archive, name string, r io.Reader, openErr error) error {
	member := archive + ":" + name
	var before Stats
	if l.onMember != nil {
		before = *l.stats
		l.member = MemberResult{Name: name}
	}
	var err error
	if openErr != nil {
		l.stats.Files++
		l.Malformed(member, "open zip member: %v", openErr)
	} else {
		err = l.loadDoc(member, r)
		var st format.Stop
		if errors.As(err, &st) {
			return err
		} else if err != nil {
			// Zip members are independent: a corrupt one (bad CRC,
			// truncated data) is one malformed record.
			l.Malformed(member, "%v", err)
		}
	}
	if l.onMember != nil {
		m := &l.member
		m.Files = l.stats.Files - before.Files
		m.Records = l.stats.Records - before.Records
		m.Withdrawn = l.stats.Withdrawn - before.Withdrawn
		m.Skipped = l.stats.Skipped - before.Skipped
		m.Malformed = l.stats.Malformed - before.Malformed
		m.Enrichment = l.stats.Enrichment - before.Enrichment
		l.onMember(*m)
	}
	return nil
}

var (
	cveMetadataKey = []byte(`"cveMetadata"`)
	containersKey  = []byte(`"containers"`)
)

// loadDoc reads one document, whose kind is told by its first bytes (and,
// for YAML, which has no reliable signature, by its name). Errors returned
// end the load: they are read errors of the source itself, or a stop from
// emit. Problems with the document are counted instead.
func (l *loader) loadDoc(name string, r io.Reader) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		switch {
		case l.docBusy: // a document read from within another (repomd.xml)
			br = bufio.NewReaderSize(r, 64<<10)
		case l.docReader == nil:
			l.docReader = bufio.NewReaderSize(r, 64<<10)
			fallthrough
		default:
			l.docReader.Reset(r)
			br = l.docReader
			l.docBusy = true
			// Drop the reference to r when done, so the reader does not
			// keep the archive member alive.
			defer func() { l.docReader.Reset(nil); l.docBusy = false }()
		}
	}
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("%s: %w", name, err)
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	ext := strings.ToLower(path.Ext(name))
	var kind string
	switch {
	case enrich.DetectCSV(head) == enrich.KindEPSS:
		l.stats.Files++
		return l.loadEPSS(name, br)
	case len(trimmed) > 0 && trimmed[0] == '<':
		l.stats.Files++
		return l.loadXML(name, br)
	case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		kind = "json"
		if tracker.IsExport(trimmed) {
			kind = "debian"
		}
	case ext == ".yaml" || ext == ".yml" || bytes.HasPrefix(trimmed, []byte("---")):
		kind = "yaml"
	default:
		l.stats.Skipped++
		return nil
	}
	l.stats.Files++
	if kind == "debian" {
		return tracker.Read(l.ctx, name, br, l)
	}
	// The parsers copy what they keep (encoding/json and yaml copy
	// strings and RawMessages), so the buffer is reused.
	buf := &l.docData
	if l.docBusy && br != l.docReader {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	_, err = buf.ReadFrom(io.LimitReader(br, maxDocSize+1))
	data := buf.Bytes()
	if err != nil {
		// A read error (a truncated archive, a corrupt compressed stream,
		// a dropped connection) is a broken source, not a bad record.
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxDocSize {
		l.Malformed(name, "document larger than %d bytes", maxDocSize)
		return nil
	}
	if kind == "json" {
		// The CVE List's 300,000 records: parse them straight away rather
		// than scan each once more to detect it (10% of a build's CPU).
		// ParseCVE5 succeeds only on a record with a CVE id in
		// cveMetadata; anything else goes through detection as before.
		if l.enrich != nil && bytes.Contains(data, cveMetadataKey) && bytes.Contains(data, containersKey) {
			e, err := enrich.ParseCVE5(data)
			switch {
			case errors.Is(err, enrich.ErrRejected):
				l.stats.Skipped++
				return nil
			case err == nil:
				return l.sendEnrichment(e)
			}
		}
		if k := enrich.DetectJSON(data); k != enrich.KindNone {
			return l.parseEnrichment(name, k, data)
		}
		return l.parseJSONDoc(name, data)
	}
	return l.parseYAMLDoc(name, data)
}
