package build

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/debian/tracker"
	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/members"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/runs"
)

// feedFormat versions the per-source intermediate kept in the cache: a
// change of the item or record encoding must not reuse older ones.
// 2: advisory items carry the advisory's id (the order within a key).
// 3: member tables count enrichment records; the CVE List's delta logs
// are not read as records.
// 4: EPSS scores are items of their own buckets (vulndb.EPSSSuffix).
const feedFormat = 4

// feedMeta describes one source's intermediate: its sorted runs, its
// records file (records.bin, indexed by records.idx: u64 offset, u32
// length per record) and what the source held. It is written last, so a
// directory without a valid one is ignored.
type feedMeta struct {
	Format      int              `json:"format"`
	Source      string           `json:"source"`
	Key         string           `json:"key"`
	Fingerprint feed.Fingerprint `json:"fingerprint"`
	// Reusable is false when the source's content is not identified by
	// its fingerprint (it made requests of its own: mirror lists, API
	// pages), so it is read again by every build.
	Reusable   bool              `json:"reusable"`
	Info       vulndb.SourceInfo `json:"info"`
	Ecosystems []string          `json:"ecosystems"`
	Records    int               `json:"records"`
	Runs       []string          `json:"runs"`
	EPSSDate   string            `json:"epss_date,omitempty"`

	// Record-level updates (patch.go). Segments are the records files,
	// in order, their offsets running on from one to the next (empty:
	// records.bin alone); Dead names the file listing the records that
	// later patches replaced or removed (u32 each), whose items the
	// merge skips; Table, the file saying what each member of an OSV
	// archive held, set only when the source can be patched; List, the
	// validators of the modified_id.csv last applied; Patches, how many
	// were applied since the archive was last read whole.
	Segments []string         `json:"segments,omitempty"`
	Dead     string           `json:"dead,omitempty"`
	Table    string           `json:"table,omitempty"`
	List     feed.Fingerprint `json:"list,omitempty"`
	Patches  int              `json:"patches,omitempty"`
	// The CVE List (cvelist.go): Enrichments counts the enrichment items
	// written (numbered 1..Enrichments); EnrTable says the member table
	// and the dead file number those items, not advisory records;
	// LogTime is the newest fetch of the List's delta log that the
	// records reflect.
	Enrichments int    `json:"enrichments,omitempty"`
	EnrTable    bool   `json:"enr_table,omitempty"`
	LogTime     string `json:"log_time,omitempty"`
}

// segments returns the records files of an intermediate.
func (m *feedMeta) segments() []string {
	if len(m.Segments) == 0 {
		return []string{"records.bin"}
	}
	return m.Segments
}

// feedOut is one source's intermediate, ready to merge.
type feedOut struct {
	dir  string
	meta feedMeta
}

// feedBuilder turns sources into intermediates.
type feedBuilder struct {
	opts   BuildOptions
	load   loadFunc
	dsa    *tracker.DSAIndex
	dsaKey string // fingerprint of the DSA/DLA lists (with a cache only)
	work   string // this build's scratch directory
}

// build returns src's intermediate. Without a cache it parses src into
// the build's scratch directory. With one, it first looks for the
// intermediate of the previous build: a URL is fetched with that build's
// ETag/Last-Modified (a 304 reuses the intermediate without downloading)
// and reused when the downloaded content has the same sha256; a local
// source is reused when its content hash is the same. Otherwise the new
// intermediate replaces the old one in the cache.
func (fb *feedBuilder) build(ctx context.Context, src string) (*feedOut, error) {
	if fb.opts.CacheDir == "" {
		dir, err := os.MkdirTemp(fb.work, "feed-")
		if err != nil {
			return nil, err
		}
		return fb.parse(ctx, src, dir, "", feed.Fingerprint{})
	}
	key := fb.cacheKey(src)
	cached := filepath.Join(fb.opts.CacheDir, "feeds", key)
	prev, _ := readFeedMeta(cached)
	if prev != nil && (prev.Key != key || prev.Source != src || !prev.Reusable) {
		prev = nil
	}
	var (
		fp      feed.Fingerprint
		fetched string
	)
	switch {
	case feed.IsAPI(src):
		// Read page by page: nothing to fingerprint.
	case feed.IsURL(src):
		if prev != nil && prev.Table != "" {
			patch := fb.patch
			if prev.EnrTable {
				patch = fb.patchCVEList
			}
			fo, done, err := patch(ctx, src, cached, prev)
			if err != nil || done {
				return fo, err
			}
		}
		var pfp feed.Fingerprint
		if prev != nil {
			pfp = prev.Fingerprint
		}
		f, err := feed.Fetch(ctx, fb.opts.HTTPClient, src, pfp, fb.work)
		if err != nil {
			return nil, err
		}
		if f.NotModified {
			fb.log("source not modified: reusing its parsed records", src)
			return &feedOut{dir: cached, meta: *prev}, nil
		}
		defer os.Remove(f.Path)
		fp, fetched = f.Fingerprint, f.Path
	default:
		var err error
		if fp, err = feed.FingerprintPath(src); err != nil {
			return nil, err
		}
	}
	if prev != nil && fp.SHA256 != "" && fp.SHA256 == prev.Fingerprint.SHA256 {
		fb.log("source content unchanged: reusing its parsed records", src)
		if fp != prev.Fingerprint { // new validators for the same content
			prev.Fingerprint = fp
			if err := writeFeedMeta(cached, prev); err != nil {
				return nil, err
			}
		}
		return &feedOut{dir: cached, meta: *prev}, nil
	}
	if err := os.MkdirAll(filepath.Join(fb.opts.CacheDir, "feeds"), 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Join(fb.opts.CacheDir, "feeds"), key+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	fo, err := fb.parse(ctx, src, tmp, fetched, fp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	fo.meta.Key = key
	if fo.meta.EnrTable {
		fo.meta.LogTime = fb.archiveLogTime(src, fetched)
	}
	if err := writeFeedMeta(tmp, &fo.meta); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := replaceDir(tmp, cached); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	fb.log("source parsed", src)
	fo.dir = cached
	return fo, nil
}

func (fb *feedBuilder) log(msg, src string) {
	if fb.opts.Logger != nil {
		fb.opts.Logger.Info(msg, "source", src)
	}
}

// buildAll builds the intermediates of sources, several at once (they are
// independent: each has its own writer and directory), and hands them to
// done in source order, which is the order their records are numbered in.
// The first failure cancels the others and is returned once every source
// being read has stopped.
func (fb *feedBuilder) buildAll(ctx context.Context, sources []string, done func(*feedOut)) ([]*feedOut, error) {
	workers := fb.opts.Workers
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), 4)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		fo   *feedOut
		err  error
		done chan struct{}
	}
	results := make([]result, len(sources))
	for i := range results {
		results[i].done = make(chan struct{})
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	sem := make(chan struct{}, workers)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, src := range sources {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for j := i; j < len(sources); j++ {
					results[j].err = ctx.Err()
					close(results[j].done)
				}
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				results[i].fo, results[i].err = fb.build(ctx, src)
				close(results[i].done)
			}()
		}
	}()
	out := make([]*feedOut, 0, len(sources))
	for i := range results {
		<-results[i].done
		if err := results[i].err; err != nil {
			cancel()
			return nil, fmt.Errorf("source %s: %w", sources[i], err)
		}
		out = append(out, results[i].fo)
		done(results[i].fo)
	}
	return out, nil
}

// cacheKey names src's cache entry. The DSA/DLA lists are part of it:
// they are attached to Debian records while parsing.
func (fb *feedBuilder) cacheKey(src string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s", feedFormat, src, fb.dsaKey)))
	return hex.EncodeToString(h[:12])
}

// parse reads src (or its downloaded copy fetched) into an intermediate in
// dir.
func (fb *feedBuilder) parse(ctx context.Context, src, dir, fetched string, fp feed.Fingerprint) (*feedOut, error) {
	w, err := newFeedWriter(dir, fb.dsa, segment{name: "records.bin"}, "", fb.opts.runBytes)
	if err != nil {
		return nil, err
	}
	defer w.close()
	var keep members.Causes
	fopts := feed.Options{Client: fb.opts.HTTPClient, Enrich: w.addEnrichment, NVDAPIKey: fb.opts.NVDAPIKey, NVDInterval: fb.opts.NVDInterval,
		Malformed: keep.Add}
	if fb.opts.CacheDir != "" && (osvListURL(src) != "" || fb.cveListBase(src) != "") {
		// Keep what each member held, so the next update can replace
		// single records (patch.go, cvelist.go).
		if err := w.startTable(0, osvListURL(src) == ""); err != nil {
			return nil, err
		}
		fopts.Member = w.member
	}
	var st feed.Stats
	if fetched != "" {
		st, err = feed.LoadFetched(ctx, src, fetched, w.add, fopts)
		st.Requests++ // the Fetch itself
	} else {
		st, err = fb.load(ctx, src, w.add, fopts)
	}
	if err != nil {
		return nil, err
	}
	if err := w.finish(nil); err != nil {
		return nil, err
	}
	si := vulndb.SourceInfo{
		Source: src, Files: st.Files, Records: st.Records, Withdrawn: st.Withdrawn,
		Skipped: st.Skipped, Malformed: st.Malformed, Errors: keep.List(st.Malformed),
		Enrichment: st.Enrichment,
	}
	table := ""
	if w.table != nil && w.patchable() {
		table = members.TableFile
	}
	ecos := make([]string, 0, len(w.ecos))
	for e := range w.ecos {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	return &feedOut{dir: dir, meta: feedMeta{
		Format: feedFormat, Source: src, Fingerprint: fp,
		// The URL fetched once by Fetch is identified by its fingerprint;
		// anything the load requested beyond it is not.
		Reusable: fp.SHA256 != "" && st.Requests <= 1 && (fetched != "" || st.Requests == 0),
		Info:     si, Ecosystems: ecos, Records: int(w.seq), Runs: w.runs.Runs(), EPSSDate: w.epssDate,
		Table: table, Enrichments: int(w.enrSeq), EnrTable: table != "" && w.enrTable,
	}}, nil
}

func readFeedMeta(dir string) (*feedMeta, error) {
	b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		return nil, err
	}
	var m feedMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m.Format != feedFormat {
		return nil, fmt.Errorf("cache entry %s: format %d", dir, m.Format)
	}
	// Every file the entry names must be there.
	files := append(append([]string{"records.idx"}, m.segments()...), m.Runs...)
	for _, f := range []string{m.Dead, m.Table} {
		if f != "" {
			files = append(files, f)
		}
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return nil, err
		}
	}
	return &m, nil
}

func writeFeedMeta(dir string, m *feedMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "meta.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "meta.json")); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// dsaFingerprint hashes the DSA/DLA list files among sources.
func dsaFingerprint(sources []string) (string, error) {
	h := sha256.New()
	for _, src := range sources {
		for _, l := range dsaListFiles(src) {
			fp, err := feed.FingerprintPath(l)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "%s\x00%s\x00", l, fp.SHA256)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// feedWriter receives one source's records: each advisory's affected
// entries, grouped per key, and each enrichment record become items; the
// advisory without its affected entries is compressed once and appended
// to records.bin.
type feedWriter struct {
	dir      string
	dsa      *tracker.DSAIndex
	runs     *runs.Writer
	recFile  *os.File
	rec      *bufio.Writer
	recOff   uint64
	idx      []byte
	seq      uint32 // keyed advisories so far
	enrSeq   uint32
	ecos     map[string]bool
	enc      *zstd.Encoder
	epssDate string
	// scratch, reused per advisory
	order  []string
	groups map[string][]advisory.Affected
	zbuf   []byte

	// The member table (patch.go), when kept: what each archive member
	// held, written as the members go past.
	table      *members.TableWriter
	base       uint32          // the number of the writer's first record
	memberSeq  uint32          // w.seq when the current member began
	memberEcos map[string]bool // ecosystems of its stored record
	// A table of enrichment records (the CVE List): the writer's first
	// enrichment item, w.enrSeq when the member began, the id of the
	// last enrichment item.
	enrTable  bool
	enrBase   uint32
	memberEnr uint32
	lastEnr   string
}

// segment says where a writer's records go: the file, the number of its
// first record and the offset its first byte has in the intermediate's
// records (the segments before it).
type segment struct {
	name   string
	seq    uint32
	offset uint64
}

func newFeedWriter(dir string, dsa *tracker.DSAIndex, seg segment, runPrefix string, runBytes int) (*feedWriter, error) {
	f, err := os.Create(filepath.Join(dir, seg.name))
	if err != nil {
		return nil, fmt.Errorf("creating records file: %w", err)
	}
	// Each record and each key's affected list is compressed on its own so
	// a lookup decompresses only what it returns. No dictionary: see
	// docs/db-format.md.
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		f.Close()
		return nil, err
	}
	return &feedWriter{dir: dir, dsa: dsa, runs: runs.NewWriter(dir, runPrefix, runBytes), recFile: f, rec: bufio.NewWriterSize(f, 256<<10),
		ecos: map[string]bool{}, enc: enc, groups: map[string][]advisory.Affected{},
		seq: seg.seq, base: seg.seq, memberSeq: seg.seq, recOff: seg.offset}, nil
}

func (w *feedWriter) close() {
	w.recFile.Close()
	w.enc.Close()
	if w.table != nil {
		w.table.Close()
	}
}

// add is the emit callback given to the feed readers.
func (w *feedWriter) add(a *advisory.Advisory) error {
	if w.dsa != nil {
		w.dsa.Attach(a)
	}
	w.order = w.order[:0]
	clear(w.groups)
	for _, af := range a.Affected {
		eco := advisory.NormalizeEcosystem(af.Ecosystem)
		pkg := advisory.NormalizePackage(eco, af.Package)
		if !vulndb.ValidKeyPart(eco) || !vulndb.ValidKeyPart(pkg) {
			continue
		}
		k := vulndb.JoinKey(eco, pkg)
		if _, ok := w.groups[k]; !ok {
			w.order = append(w.order, k)
			w.ecos[eco] = true
			if w.memberEcos != nil {
				w.memberEcos[eco] = true
			}
		}
		w.groups[k] = append(w.groups[k], af)
	}
	if len(w.order) == 0 {
		// Unreachable by any lookup; storing it would only grow the file.
		return nil
	}
	for _, k := range w.order {
		js, err := json.Marshal(w.groups[k])
		if err != nil {
			return fmt.Errorf("encoding advisory %s: %w", a.ID, err)
		}
		// The advisory's id orders a key's advisories (then the source,
		// then the reading order): a record replaced on its own
		// (patch.go) then takes the place a whole new reading of its
		// archive would give it, wherever the archive put it.
		if err := w.runs.Add(runs.Item{Key: k, Sub: a.ID, Seq: w.seq, Val: js}); err != nil {
			return err
		}
	}
	core := *a
	core.Affected = nil
	js, err := json.Marshal(&core)
	if err != nil {
		return fmt.Errorf("encoding advisory %s: %w", a.ID, err)
	}
	w.zbuf = w.enc.EncodeAll(js, w.zbuf[:0])
	if _, err := w.rec.Write(w.zbuf); err != nil {
		return fmt.Errorf("writing records file: %w", err)
	}
	w.idx = binary.LittleEndian.AppendUint64(w.idx, w.recOff)
	w.idx = binary.LittleEndian.AppendUint32(w.idx, uint32(len(w.zbuf)))
	w.recOff += uint64(len(w.zbuf))
	w.seq++
	return nil
}

// addEnrichment is the enrichment callback given to the feed readers.
func (w *feedWriter) addEnrichment(e *advisory.Enrichment) error {
	if !advisory.IsCVE(e.ID) {
		return fmt.Errorf("enrichment record id %q is not a CVE id", e.ID)
	}
	var flags uint8
	if len(e.CVSS) > 0 {
		flags |= runs.EnrCVSS
	}
	if e.KEV != nil {
		flags |= runs.EnrKEV
	}
	if e.EPSS != nil {
		flags |= runs.EnrEPSS
		if e.EPSS.Date > w.epssDate {
			w.epssDate = e.EPSS.Date
		}
	}
	text := e.Title != "" || e.Description != "" || e.CNASeverity != "" || len(e.CVSS) > 0 || len(e.References) > 0
	if flags&(runs.EnrKEV|runs.EnrEPSS) == 0 && !text {
		return nil // nothing to store
	}
	w.enrSeq++
	w.lastEnr = e.ID
	if e.EPSS != nil {
		// The score goes to the CVE's EPSS bucket (vulndb.EPSSSuffix), so
		// a new day's scores leave the other buckets as they were.
		js, err := json.Marshal(&advisory.Enrichment{ID: e.ID, EPSS: e.EPSS})
		if err != nil {
			return fmt.Errorf("encoding enrichment %s: %w", e.ID, err)
		}
		if err := w.runs.Add(runs.Item{Key: vulndb.JoinKey(vulndb.EnrichEco, vulndb.EPSSBucketOf(e.ID)), Sub: e.ID, Seq: w.enrSeq, Flags: runs.EnrEPSS, Val: js}); err != nil {
			return err
		}
		if flags&runs.EnrKEV == 0 && !text {
			return nil
		}
		rest := *e
		rest.EPSS = nil
		e, flags = &rest, flags&^runs.EnrEPSS
	}
	js, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding enrichment %s: %w", e.ID, err)
	}
	return w.runs.Add(runs.Item{Key: vulndb.JoinKey(vulndb.EnrichEco, vulndb.BucketOf(e.ID)), Sub: e.ID, Seq: w.enrSeq, Flags: flags, Val: js})
}

// finish spills the last run and writes the records index (after the
// entries of earlier segments, idxBefore).
func (w *feedWriter) finish(idxBefore []byte) error {
	if err := w.runs.Spill(); err != nil {
		return err
	}
	if err := w.rec.Flush(); err != nil {
		return fmt.Errorf("writing records file: %w", err)
	}
	if err := w.recFile.Close(); err != nil {
		return fmt.Errorf("writing records file: %w", err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "records.idx"), append(idxBefore, w.idx...), 0o600); err != nil { // #nosec G703 -- a file of the cache directory the user named
		return fmt.Errorf("writing records index: %w", err)
	}
	if w.table != nil {
		if err := w.table.Finish(); err != nil {
			return err
		}
	}
	return nil
}

// errNoFeedFiles is returned when a cache entry lost a file between the
// check and the merge.
var errNoFeedFiles = errors.New("intermediate files missing")

// openFeed opens an intermediate for the merge: its runs (skipping the
// items of dead records), its records and their index, and how many of
// them are live.
func openFeed(fo *feedOut, feedIdx int) (rs []*runs.Reader, recs *segReader, idx []byte, live int, err error) {
	idx, err = os.ReadFile(filepath.Join(fo.dir, "records.idx"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%s: %w", fo.meta.Source, errNoFeedFiles)
		}
		return nil, nil, nil, 0, err
	}
	if len(idx) != vulndb.RecEntrySize*fo.meta.Records {
		return nil, nil, nil, 0, fmt.Errorf("%s: records index has %d bytes for %d records", fo.meta.Source, len(idx), fo.meta.Records)
	}
	dead, nDead, err := readDead(fo.dir, &fo.meta)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	recs, err = openSegments(fo.dir, fo.meta.segments())
	if err != nil {
		return nil, nil, nil, 0, err
	}
	for _, r := range fo.meta.Runs {
		rr, err := runs.Open(filepath.Join(fo.dir, r), feedIdx, dead)
		if err != nil {
			recs.Close()
			for _, o := range rs {
				o.Close()
			}
			return nil, nil, nil, 0, err
		}
		rs = append(rs, rr)
	}
	live = fo.meta.Records
	if !fo.meta.EnrTable { // else the dead are enrichment items
		live -= nDead
	}
	return rs, recs, idx, live, nil
}
