package vulndb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed"
)

// maxErrorsKept bounds the per-source error list stored in the file; the
// counts stay exact.
const maxErrorsKept = 20

// BuildOptions tunes Build. The zero value is ready to use.
type BuildOptions struct {
	// HTTPClient fetches URL sources; nil means http.DefaultClient.
	HTTPClient *http.Client
	// BuiltAt is recorded as the build time; zero means now. Setting it
	// makes builds of the same input byte-identical.
	BuiltAt time.Time
	// Progress, when set, is called after each source has been loaded.
	Progress func(SourceInfo)
	// NVDAPIKey and NVDInterval are handed to the NVD CVE API reader
	// (feed.Options); the key is never stored in the file.
	NVDAPIKey   string
	NVDInterval time.Duration
}

// loadFunc is feed.LoadAll's signature; tests substitute it.
type loadFunc func(ctx context.Context, src string, emit feed.EmitFunc, opts feed.Options) (feed.Stats, error)

// Build loads every source with the feed readers and writes one database
// file at out, replacing it atomically (temporary file in the same
// directory, then rename), so readers of an older file at out are never
// disturbed. A source that cannot be read at all fails the build and out
// is left untouched; malformed records inside a source are counted in the
// source's SourceInfo and do not fail the build.
func Build(ctx context.Context, out string, sources []string, opts BuildOptions) (Info, error) {
	return build(ctx, out, sources, opts, feed.LoadAll)
}

func build(ctx context.Context, out string, sources []string, opts BuildOptions, load loadFunc) (Info, error) {
	if len(sources) == 0 {
		return Info{}, fmt.Errorf("building database: no sources given")
	}
	b := newBuilder()
	defer b.enc.Close()
	defer b.encFast.Close()
	var infos []SourceInfo
	// Debian's DSA/DLA lists are not advisories of their own: they name the
	// advisory that fixed a CVE in a release, and are attached to the Debian
	// records of the other sources as aliases and references. Read them
	// first, so they are known when those records stream past.
	idx, rest, dsaInfos, err := dsaSources(sources)
	if err != nil {
		return Info{}, fmt.Errorf("building database: %w", err)
	}
	infos = append(infos, dsaInfos...)
	emit := b.add
	if idx != nil {
		emit = func(a *advisory.Advisory) error {
			idx.Attach(a)
			return b.add(a)
		}
	}
	for _, src := range rest {
		st, err := load(ctx, src, emit, feed.Options{Client: opts.HTTPClient, Enrich: b.addEnrichment, NVDAPIKey: opts.NVDAPIKey, NVDInterval: opts.NVDInterval})
		if err != nil {
			return Info{}, fmt.Errorf("building database: source %s: %w", src, err)
		}
		si := SourceInfo{
			Source: src, Files: st.Files, Records: st.Records, Withdrawn: st.Withdrawn,
			Skipped: st.Skipped, Malformed: st.Malformed, Errors: st.Errors,
			Enrichment: st.Enrichment,
		}
		if len(si.Errors) > maxErrorsKept {
			si.Errors = append(si.Errors[:maxErrorsKept:maxErrorsKept], fmt.Sprintf("... and %d more", len(st.Errors)-maxErrorsKept))
		}
		infos = append(infos, si)
		if opts.Progress != nil {
			opts.Progress(si)
		}
	}
	builtAt := opts.BuiltAt
	if builtAt.IsZero() {
		builtAt = time.Now()
	}
	file, err := b.encode(builtAt.UTC(), infos)
	if err != nil {
		return Info{}, fmt.Errorf("building database: %w", err)
	}
	if err := writeAtomic(out, file); err != nil {
		return Info{}, fmt.Errorf("building database: %w", err)
	}
	db, err := openBytes(file)
	if err != nil { // cannot happen unless encode and parse disagree
		return Info{}, fmt.Errorf("building database: reopening: %w", err)
	}
	defer db.Close()
	info := db.Info()
	info.Path = out
	return info, nil
}

// builder accumulates compressed records and the key index in memory: the
// whole database is a few tens of MB, and building it in one piece is what
// lets the file be a single sorted, immutable blob.
type builder struct {
	enc     *zstd.Encoder
	encFast *zstd.Encoder // for enrichment held while building
	dec     *zstd.Decoder
	records [][]byte
	perKey  map[string]*keyAcc
	ecos    map[string]bool
	enrich  *enrichAcc
}

// keyAcc collects, for one key, the records naming it and their affected
// entries for it.
type keyAcc struct {
	ids  []uint32
	affs [][]advisory.Affected
}

func newBuilder() *builder {
	// Each record and each key's affected list is compressed on its own so
	// a lookup decompresses only what it returns. No dictionary: see
	// docs/db-format.md.
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err) // only invalid options make NewWriter fail
	}
	fast, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err)
	}
	return &builder{enc: enc, encFast: fast, dec: sharedDecoder(), perKey: map[string]*keyAcc{}, ecos: map[string]bool{}, enrich: newEnrichAcc()}
}

// add is the emit callback given to feed.Load.
func (b *builder) add(a *advisory.Advisory) error {
	id := uint32(len(b.records))
	keyed := false
	for _, af := range a.Affected {
		eco := advisory.NormalizeEcosystem(af.Ecosystem)
		pkg := advisory.NormalizePackage(eco, af.Package)
		if !validKeyPart(eco) || !validKeyPart(pkg) {
			continue
		}
		k := joinKey(eco, pkg)
		acc := b.perKey[k]
		if acc == nil {
			acc = &keyAcc{}
			b.perKey[k] = acc
		}
		if n := len(acc.ids); n > 0 && acc.ids[n-1] == id {
			// Several entries for the same package in one advisory.
			acc.affs[n-1] = append(acc.affs[n-1], af)
		} else {
			acc.ids = append(acc.ids, id)
			acc.affs = append(acc.affs, []advisory.Affected{af})
		}
		b.ecos[eco] = true
		keyed = true
	}
	if !keyed {
		// Unreachable by any lookup; storing it would only grow the file.
		return nil
	}
	core := *a
	core.Affected = nil
	js, err := json.Marshal(&core)
	if err != nil {
		return fmt.Errorf("encoding advisory %s: %w", a.ID, err)
	}
	b.records = append(b.records, b.enc.EncodeAll(js, nil))
	return nil
}

func (b *builder) encode(builtAt time.Time, sources []SourceInfo) ([]byte, error) {
	keys := make([]string, 0, len(b.perKey))
	entries := make(map[string]keyEntry, len(b.perKey))
	for k, acc := range b.perKey {
		keys = append(keys, k)
		js, err := json.Marshal(acc.affs)
		if err != nil {
			return nil, fmt.Errorf("encoding affected entries: %w", err)
		}
		entries[k] = keyEntry{ids: acc.ids, affected: b.enc.EncodeAll(js, nil)}
	}
	nAdvKeys := len(keys)
	keys, enr, err := b.encodeEnrichment(keys, entries)
	if err != nil {
		return nil, err
	}
	advDigest, enrDigest := contentDigests(keys, entries, b.records)
	ecos := make([]string, 0, len(b.ecos))
	for e := range b.ecos {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	meta := storedMeta{
		SchemaVersion: SchemaVersion,
		BuiltAt:       builtAt.Format(time.RFC3339Nano),
		Sources:       sources,
		Ecosystems:    ecos,
		Advisories:    len(b.records),
		Keys:          nAdvKeys,
		Enrichment:    &enr,
		AdvDigest:     advDigest,
		EnrichDigest:  enrDigest,
	}
	return encodeFile(meta, keys, entries, b.records)
}

// writeAtomic writes data to a temporary file next to path, syncs it and
// renames it over path.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	return commitTemp(tmp, path)
}

// commitTemp syncs, closes and renames an open temporary file to path,
// readable by everyone like a normal cache file.
func commitTemp(tmp *os.File, path string) error {
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return nil
}

// dsaSources splits the Debian security tracker's DSA/DLA lists (a tracker
// checkout's directory, holding data/DSA/list and data/DLA/list, or a list
// file itself) from the advisory sources, and indexes them.
func dsaSources(sources []string) (*feed.DSAIndex, []string, []SourceInfo, error) {
	var (
		rest    []string
		infos   []SourceInfo
		entries [][]feed.DSAEntry
	)
	for _, src := range sources {
		lists := dsaListFiles(src)
		if len(lists) == 0 {
			rest = append(rest, src)
			continue
		}
		si := SourceInfo{Source: src, Files: len(lists)}
		for _, l := range lists {
			f, err := os.Open(l)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("source %s: %w", src, err)
			}
			e, bad, err := feed.ParseDSAList(f)
			f.Close()
			if err != nil {
				return nil, nil, nil, fmt.Errorf("source %s: %s: %w", src, l, err)
			}
			entries = append(entries, e)
			si.Records += len(e)
			si.Malformed += len(bad)
			for _, m := range bad {
				if len(si.Errors) < maxErrorsKept {
					si.Errors = append(si.Errors, l+": "+m)
				}
			}
		}
		infos = append(infos, si)
	}
	if len(entries) == 0 {
		return nil, rest, nil, nil
	}
	return feed.NewDSAIndex(entries...), rest, infos, nil
}

func dsaListFiles(src string) []string {
	fi, err := os.Stat(src)
	if err != nil {
		return nil
	}
	if !fi.IsDir() {
		if filepath.Base(src) == "list" {
			if d := filepath.Base(filepath.Dir(src)); d == "DSA" || d == "DLA" {
				return []string{src}
			}
		}
		return nil
	}
	var out []string
	for _, rel := range []string{"data/DSA/list", "data/DLA/list", "DSA/list", "DLA/list"} {
		p := filepath.Join(src, rel)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}
