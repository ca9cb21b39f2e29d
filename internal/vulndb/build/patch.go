package build

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/members"
)

// Record-level updates of OSV archives (issue 19).
//
// A day's changes are about a thousand records, but they sit in npm's,
// Debian's and Ubuntu's all.zip — 310,000 of the corpus' 357,800 records
// — and reading those archives whole was most of what an update cost.
// OSV publishes, next to each all.zip, modified_id.csv ("<modified>,<id>"
// for every record of the ecosystem) and every record as <id>.json. So
// when an archive is read with a cache, the intermediate also keeps a
// member table (members.tab): for each member, its name, the record's
// own modified time, what it added to the source's counts, its malformed
// causes, and the number of the record it stored. The next update reads
// the list, compares each row with the table, fetches only the records
// that are new or whose modified time changed, and patches the
// intermediate in a new cache directory: the unchanged files are hard
// links, the new records go to a new records segment and a new sorted
// run, and the numbers of the records replaced or gone are listed in a
// dead file whose items the merge skips. The source's counts, causes and
// ecosystems are summed from the table, and a key's advisories are
// ordered by id (feedWriter.add), so the file is byte for byte what a
// whole reading of the new archive gives (TestRecordLevelUpdate).
//
// The whole archive is read instead when the list cannot be had or is
// malformed (a named cause in the log: never a silently stale database),
// when a listed record is not served, when more than a tenth of the
// records changed (one archive is then cheaper than thousands of
// requests), and after 30 patches or once a quarter of the records are
// dead, which keeps the intermediate compact. A record that fails to
// download fails the update like any source, and the old database and
// cache entry stay as they were.

const (
	// maxPatches and the dead share bound how far an intermediate drifts
	// from a compact one before its archive is read whole again.
	maxPatches = 30
	// maxPatchFetch bounds the bytes of the records a patch holds in
	// memory (up to a tenth of an ecosystem's records, each up to
	// 64 MiB); over it the archive is read whole, streamed.
	maxPatchFetch = 256 << 20
)

// osvDirURL returns the ecosystem folder of an OSV all.zip URL (its
// modified_id.csv and records are there), or "" for any other source.
func osvDirURL(src string) string {
	if !feed.IsURL(src) || !strings.HasSuffix(src, "/all.zip") {
		return ""
	}
	return strings.TrimSuffix(src, "/all.zip")
}

func osvListURL(src string) string {
	if d := osvDirURL(src); d != "" {
		return d + "/modified_id.csv"
	}
	return ""
}

// startTable makes the writer keep a member table of about n
// entries; enr says the table is of enrichment records (the CVE List),
// whose items' numbers it keeps instead of the advisory records'.
func (w *feedWriter) startTable(n int, enr bool) error {
	t, err := members.NewTableWriter(w.dir, n)
	if err != nil {
		return err
	}
	w.table, w.memberEcos, w.memberSeq = t, map[string]bool{}, w.seq
	w.enrTable, w.enrBase, w.memberEnr = enr, w.enrSeq, w.enrSeq
	return nil
}

// member is the feed.Options.Member callback: the member's records were
// emitted (w.add, w.addEnrichment) just before.
func (w *feedWriter) member(m feed.MemberResult) {
	t := w.table
	e := members.Entry{Name: m.Name, Modified: m.Modified, Files: uint32(m.Files), Records: uint32(m.Records),
		Withdrawn: uint32(m.Withdrawn), Skipped: uint32(m.Skipped), Malformed: uint32(m.Malformed),
		Enrichment: uint32(m.Enrichment), Seq: members.NoSeq, Errs: m.Errors}
	if w.enrTable {
		w.enrMember(m, &e)
	} else {
		switch n := w.seq - w.memberSeq; {
		case n == 1:
			e.Seq = w.memberSeq
		case n > 1 && t.Bad == "":
			t.Bad = fmt.Sprintf("member %s holds %d records", m.Name, n)
		}
	}
	ecos := make([]string, 0, len(w.memberEcos))
	for eco := range w.memberEcos {
		ecos = append(ecos, eco)
	}
	sort.Strings(ecos)
	e.Ecos = strings.Join(ecos, "\x00")
	clear(w.memberEcos)
	w.memberSeq, w.memberEnr = w.seq, w.enrSeq
	switch {
	case t.Bad != "":
	case m.Malformed > len(m.Errors):
		t.Bad = "member " + m.Name + " has more causes than are kept"
	case w.enrTable:
	case m.Enrichment > 0:
		t.Bad = "member " + m.Name + " holds enrichment records"
	case strings.ContainsAny(m.Name, "/\\") || !strings.HasSuffix(m.Name, ".json"):
		t.Bad = "member " + m.Name + " is not named <id>.json"
	}
	t.Add(&e)
}

// enrMember fills the entry of a CVE List member: the number of the one
// enrichment item it stored, which must be that of the record its name
// says (cvelist.go finds records by name).
func (w *feedWriter) enrMember(m feed.MemberResult, e *members.Entry) {
	t := w.table
	if t.Bad != "" {
		return
	}
	switch n := w.enrSeq - w.memberEnr; {
	case w.seq != w.memberSeq:
		t.Bad = "member " + m.Name + " holds advisories"
	case n > 1:
		t.Bad = fmt.Sprintf("member %s holds %d enrichment records", m.Name, n)
	case n == 1 && path.Base(m.Name) != w.lastEnr+".json":
		t.Bad = "member " + m.Name + " holds the record of " + w.lastEnr
	case n == 1:
		e.Seq = w.enrSeq
	}
}

// patchable reports whether every record came from a member the table
// describes, one record at most each.
func (w *feedWriter) patchable() bool {
	if w.enrTable {
		return w.table.Bad == "" && w.seq == w.base && w.table.Stored == int(w.enrSeq-w.enrBase)
	}
	return w.table.Bad == "" && w.enrSeq == 0 && w.table.Stored == int(w.seq-w.base)
}

// segReader reads the records of an intermediate across its segments.
type segReader struct {
	files  []*os.File
	starts []int64 // offset of each file's first byte; one more at the end
}

func openSegments(dir string, names []string) (*segReader, error) {
	s := &segReader{starts: []int64{0}}
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err == nil {
			var st os.FileInfo
			if st, err = f.Stat(); err == nil {
				s.files = append(s.files, f)
				s.starts = append(s.starts, s.starts[len(s.starts)-1]+st.Size())
				continue
			}
			f.Close()
		}
		s.Close()
		return nil, err
	}
	return s, nil
}

// ReadAt reads one record: records never span segments.
func (s *segReader) ReadAt(p []byte, off int64) (int, error) {
	i := sort.Search(len(s.files), func(i int) bool { return s.starts[i+1] > off })
	if i == len(s.files) {
		return 0, io.EOF
	}
	return s.files[i].ReadAt(p, off-s.starts[i])
}

func (s *segReader) Close() error {
	for _, f := range s.files {
		f.Close()
	}
	return nil
}

// seqs returns how many numbers the items of an intermediate's stored
// records may have: its advisory records, or for a table of enrichment
// records its enrichment items (numbered from 1).
func (m *feedMeta) seqs() int {
	if m.EnrTable {
		return m.Enrichments + 1
	}
	return m.Records
}

// tooFar says why an intermediate of n table entries should be read whole
// rather than patched with changed records, newDead of them stored, or
// "" when it can be patched.
func (m *feedMeta) tooFar(dir string, changed, n, newDead int) string {
	_, oldDead, err := readDead(dir, m)
	if err != nil {
		return err.Error()
	}
	live := m.seqs() - oldDead
	if changed > max(1000, n/10) {
		return fmt.Sprintf("%d records changed", changed)
	}
	if oldDead+newDead > live/4 {
		return "a quarter of its parsed records would be dead"
	}
	return ""
}

// readDead returns the dead records of an intermediate as a bitmap.
func readDead(dir string, m *feedMeta) ([]uint64, int, error) {
	if m.Dead == "" {
		return nil, 0, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, m.Dead))
	if err != nil {
		return nil, 0, err
	}
	if len(b)%4 != 0 {
		return nil, 0, fmt.Errorf("%s: dead records file of %d bytes", m.Source, len(b))
	}
	bits := make([]uint64, (m.seqs()+63)/64)
	n := 0
	for i := 0; i < len(b); i += 4 {
		s := binary.LittleEndian.Uint32(b[i:])
		if int(s) >= m.seqs() {
			return nil, 0, fmt.Errorf("%s: dead record %d of %d", m.Source, s, m.seqs())
		}
		if bits[s/64]&(1<<(s%64)) == 0 {
			bits[s/64] |= 1 << (s % 64)
			n++
		}
	}
	return bits, n, nil
}

// patch brings the cached intermediate of an OSV archive up to date
// record by record (see the top of this file). done is false when the
// archive must be read whole instead; the cause is logged.
func (fb *feedBuilder) patch(ctx context.Context, src, cached string, prev *feedMeta) (fo *feedOut, done bool, err error) {
	dir := osvDirURL(src)
	fallback := func(why string, args ...any) (*feedOut, bool, error) {
		if fb.opts.Logger != nil {
			fb.opts.Logger.Warn("reading the whole archive: "+fmt.Sprintf(why, args...), "source", src)
		}
		return nil, false, nil
	}
	if prev.Patches >= maxPatches {
		return fallback("%d record-level updates since it was last read whole", prev.Patches)
	}
	lf, err := feed.Fetch(ctx, fb.opts.HTTPClient, dir+"/modified_id.csv", prev.List, fb.work)
	if err != nil {
		return fallback("modified_id.csv: %v", err)
	}
	if lf.NotModified {
		fb.log("modified list not modified: reusing the parsed records", src)
		return &feedOut{dir: cached, meta: *prev}, true, nil
	}
	defer os.Remove(lf.Path)
	f, err := os.Open(lf.Path)
	if err != nil {
		return nil, false, err
	}
	list, err := feed.ParseModifiedIDs(f)
	f.Close()
	if err != nil {
		return fallback("%s/modified_id.csv: %v", dir, err)
	}
	ents, err := members.ReadTable(filepath.Join(cached, prev.Table))
	if err != nil {
		return fallback("%v", err)
	}
	byName := make(map[string]int, len(ents))
	for i := range ents {
		if _, dup := byName[ents[i].Name]; dup {
			return fallback("member table names %s twice", ents[i].Name)
		}
		byName[ents[i].Name] = i
	}
	// What changed: listed records that are new or whose modified time is
	// not the one read (fetched), and members not matched by an unchanged
	// row (dropped: replaced by the fetched record, or gone).
	drop := make([]bool, len(ents))
	for i := range drop {
		drop[i] = true
	}
	var fetch []string
	for _, r := range list {
		if i, ok := byName[r.ID+".json"]; ok && feed.SameModified(ents[i].Modified, r.Modified) {
			drop[i] = false
			continue
		}
		fetch = append(fetch, r.ID)
	}
	nDrop, newDead := 0, 0
	for i := range ents {
		if drop[i] {
			nDrop++
			if ents[i].Seq != members.NoSeq {
				newDead++
			}
		}
	}
	if len(fetch) == 0 && nDrop == 0 {
		fb.log("no record modified: reusing the parsed records", src)
		m := *prev
		m.List = lf.Fingerprint
		if err := writeFeedMeta(cached, &m); err != nil {
			return nil, false, err
		}
		return &feedOut{dir: cached, meta: m}, true, nil
	}
	if why := prev.tooFar(cached, len(fetch)+nDrop, len(ents), newDead); why != "" {
		return fallback("%s", why)
	}
	sort.Strings(fetch)
	fetched, err := feed.FetchMembers(ctx, fb.opts.HTTPClient, dir, fetch, maxPatchFetch)
	if errors.Is(err, feed.ErrRecordGone) || errors.Is(err, feed.ErrFetchBudget) {
		return fallback("%v", err)
	}
	if err != nil {
		return nil, false, err
	}
	fo, why, err := fb.applyPatch(ctx, src, cached, prev, &patchSet{ents: ents, drop: drop, fetched: fetched, list: lf.Fingerprint})
	if err != nil || why != "" {
		if why != "" {
			return fallback("%s", why)
		}
		return nil, false, err
	}
	if fb.opts.Logger != nil {
		added := countNew(fetch, byName)
		fb.opts.Logger.Info("source patched record by record", "source", src,
			"added", added, "replaced", len(fetch)-added, "removed", nDrop-(len(fetch)-added))
	}
	return fo, true, nil
}

// patchSet is what a record-level update puts in the place of a cached
// intermediate's records.
type patchSet struct {
	ents    []members.Entry // the cached member table
	drop    []bool          // its entries replaced or gone
	fetched []feed.Member   // the records fetched one by one
	list    feed.Fingerprint
	logTime string // the CVE List: the newest fetch of its delta log applied
}

// applyPatch writes the patched intermediate of src in the place of
// cached (see the top of this file). A non-empty why says why it cannot,
// and the archive must be read whole instead.
func (fb *feedBuilder) applyPatch(ctx context.Context, src, cached string, prev *feedMeta, p *patchSet) (fo *feedOut, why string, err error) {
	tmp, err := os.MkdirTemp(filepath.Dir(cached), filepath.Base(cached)+".tmp-")
	if err != nil {
		return nil, "", fmt.Errorf("cache: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	// The unchanged files are shared with the entry being replaced.
	segs := prev.segments()
	for _, name := range append(append([]string(nil), segs...), prev.Runs...) {
		if err := os.Link(filepath.Join(cached, name), filepath.Join(tmp, name)); err != nil {
			return nil, "cache: " + err.Error(), nil
		}
	}
	oldSegs, err := openSegments(cached, segs)
	if err != nil {
		return nil, err.Error(), nil
	}
	end := oldSegs.starts[len(oldSegs.starts)-1]
	oldSegs.Close()
	n := prev.Patches + 1
	seg := segment{name: fmt.Sprintf("records-%d.bin", n), seq: uint32(prev.Records), offset: uint64(end)}
	w, err := newFeedWriter(tmp, fb.dsa, seg, fmt.Sprintf("p%d-", n), fb.opts.runBytes)
	if err != nil {
		return nil, "", err
	}
	defer w.close()
	// New enrichment items are numbered on from the cached ones, so the
	// dead file can name the replaced ones.
	w.enrSeq = uint32(prev.Enrichments)
	if err := w.startTable(len(p.ents)+len(p.fetched), prev.EnrTable); err != nil {
		return nil, "", err
	}
	fopts := feed.Options{Client: fb.opts.HTTPClient, Enrich: w.addEnrichment, Member: w.member}
	if _, err := feed.LoadMembers(ctx, src, p.fetched, w.add, fopts); err != nil {
		return nil, "", err
	}
	if !w.patchable() {
		return nil, "a fetched record: " + w.table.Bad, nil
	}
	// The kept members complete the table; the dropped ones' records die.
	var dead []byte
	if prev.Dead != "" {
		if dead, err = os.ReadFile(filepath.Join(cached, prev.Dead)); err != nil {
			return nil, err.Error(), nil
		}
	}
	for i := range p.ents {
		if !p.drop[i] {
			w.table.Add(&p.ents[i])
		} else if p.ents[i].Seq != members.NoSeq {
			dead = binary.LittleEndian.AppendUint32(dead, p.ents[i].Seq)
		}
	}
	if w.table.Bad != "" {
		return nil, w.table.Bad, nil
	}
	oldIdx, err := os.ReadFile(filepath.Join(cached, "records.idx"))
	if err != nil {
		return nil, err.Error(), nil
	}
	if err := w.finish(oldIdx); err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, "dead.u32"), dead, 0o600); err != nil { // #nosec G703 -- a file of the cache directory the user named
		return nil, "", fmt.Errorf("cache: %w", err)
	}
	t := w.table
	info := t.Info
	info.Source = src
	info.Errors = t.Causes.List(info.Malformed)
	ecos := make([]string, 0, len(t.Ecos))
	for e := range t.Ecos {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	m := feedMeta{
		Format: feedFormat, Source: src, Key: prev.Key,
		// The archive's validators no longer describe what is parsed
		// here: should the list fail later, the archive is downloaded.
		Fingerprint: feed.Fingerprint{},
		Reusable:    true,
		Info:        info, Ecosystems: ecos, Records: int(w.seq), Enrichments: int(w.enrSeq),
		Runs:     append(append([]string(nil), prev.Runs...), w.runs.Runs()...),
		Segments: append(append([]string(nil), segs...), seg.name),
		Dead:     "dead.u32", Table: members.TableFile, EnrTable: prev.EnrTable, LogTime: p.logTime,
		List: p.list, Patches: n, EPSSDate: prev.EPSSDate,
	}
	if err := writeFeedMeta(tmp, &m); err != nil {
		return nil, "", err
	}
	if err := replaceDir(tmp, cached); err != nil {
		return nil, "", err
	}
	ok = true
	return &feedOut{dir: cached, meta: m}, "", nil
}

// countNew counts the fetched ids that were not members before.
func countNew(ids []string, byName map[string]int) int {
	n := 0
	for _, id := range ids {
		if _, ok := byName[id+".json"]; !ok {
			n++
		}
	}
	return n
}

// replaceDir puts the new intermediate tmp in the place of cached. Not
// atomic across the two calls, but a crash in between only loses the
// cache entry (no valid meta).
func replaceDir(tmp, cached string) error {
	if err := os.RemoveAll(cached); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := os.Rename(tmp, cached); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}
