package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/members"
)

// buildInMemory is the in-memory builder that the streaming build
// replaced (issue 19), kept as the oracle of TestStreamingBuildMatchesInMemory:
// it holds every record and key in maps and encodes the file in one piece.
func buildInMemory(ctx context.Context, sources []string, opts BuildOptions, load loadFunc) ([]byte, error) {
	if len(sources) == 0 {
		return nil, fmt.Errorf("building database: no sources given")
	}
	b := newBuilder()
	defer b.enc.Close()
	defer b.encFast.Close()
	var infos []vulndb.SourceInfo
	// Debian's DSA/DLA lists are not advisories of their own: they name the
	// advisory that fixed a CVE in a release, and are attached to the Debian
	// records of the other sources as aliases and references. Read them
	// first, so they are known when those records stream past.
	idx, rest, dsaInfos, err := dsaSources(sources)
	if err != nil {
		return nil, fmt.Errorf("building database: %w", err)
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
		var keep members.Causes
		st, err := load(ctx, src, emit, feed.Options{Client: opts.HTTPClient, Enrich: b.addEnrichment, NVDAPIKey: opts.NVDAPIKey, NVDInterval: opts.NVDInterval,
			Malformed: keep.Add})
		if err != nil {
			return nil, fmt.Errorf("building database: source %s: %w", src, err)
		}
		si := vulndb.SourceInfo{
			Source: src, Files: st.Files, Records: st.Records, Withdrawn: st.Withdrawn,
			Skipped: st.Skipped, Malformed: st.Malformed, Errors: keep.List(st.Malformed),
			Enrichment: st.Enrichment,
		}
		infos = append(infos, si)
		if opts.Progress != nil {
			opts.Progress(si)
		}
	}
	builtAt := opts.BuiltAt
	return b.encode(builtAt.UTC(), infos)
}

// builder accumulates compressed records and the key index in memory: the
// whole database is a few tens of MB, and building it in one piece is what
// lets the file be a single sorted, immutable blob.
type builder struct {
	enc     *zstd.Encoder
	encFast *zstd.Encoder // for enrichment held while building
	dec     *zstd.Decoder
	records [][]byte
	advIDs  []string // each record's advisory id
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
	return &builder{enc: enc, encFast: fast, dec: oracleDecoder(), perKey: map[string]*keyAcc{}, ecos: map[string]bool{}, enrich: newEnrichAcc()}
}

// add is the emit callback given to feed.Load.
func (b *builder) add(a *advisory.Advisory) error {
	id := uint32(len(b.records))
	keyed := false
	for _, af := range a.Affected {
		eco := advisory.NormalizeEcosystem(af.Ecosystem)
		pkg := advisory.NormalizePackage(eco, af.Package)
		if !vulndb.ValidKeyPart(eco) || !vulndb.ValidKeyPart(pkg) {
			continue
		}
		k := vulndb.JoinKey(eco, pkg)
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
	b.advIDs = append(b.advIDs, a.ID)
	return nil
}

func (b *builder) encode(builtAt time.Time, sources []vulndb.SourceInfo) ([]byte, error) {
	keys := make([]string, 0, len(b.perKey))
	entries := make(map[string]vulndb.KeyEntry, len(b.perKey))
	for k, acc := range b.perKey {
		keys = append(keys, k)
		// A key's advisories are ordered by id, then by reading order.
		order := make([]int, len(acc.ids))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(i, j int) bool { return b.advIDs[acc.ids[order[i]]] < b.advIDs[acc.ids[order[j]]] })
		ids, affs := make([]uint32, len(order)), make([][]advisory.Affected, len(order))
		for i, o := range order {
			ids[i], affs[i] = acc.ids[o], acc.affs[o]
		}
		acc.ids, acc.affs = ids, affs
		js, err := json.Marshal(acc.affs)
		if err != nil {
			return nil, fmt.Errorf("encoding affected entries: %w", err)
		}
		entries[k] = vulndb.KeyEntry{IDs: acc.ids, Affected: b.enc.EncodeAll(js, nil)}
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
	meta := vulndb.StoredMeta{
		SchemaVersion: vulndb.SchemaVersion,
		BuiltAt:       builtAt.Format(time.RFC3339Nano),
		Sources:       sources,
		Ecosystems:    ecos,
		Advisories:    len(b.records),
		Keys:          nAdvKeys,
		Enrichment:    &enr,
		AdvDigest:     advDigest,
		EnrichDigest:  enrDigest,
	}
	return vulndb.EncodeFile(meta, keys, entries, b.records)
}

// enrichAcc merges enrichment records by CVE while a build runs. Text
// parts (titles, descriptions, vectors) are held zstd-compressed, since a
// full CVE List is ~300,000 of them; KEV and EPSS, which change daily and
// come for every CVE, are small and kept apart so that merging them does
// not recompress anything.
type enrichAcc struct {
	text map[string][]byte // zstd(JSON(Enrichment without KEV, EPSS))
	kev  map[string]*advisory.Enrichment
	epss map[string]*advisory.Enrichment
}

func newEnrichAcc() *enrichAcc {
	return &enrichAcc{text: map[string][]byte{}, kev: map[string]*advisory.Enrichment{}, epss: map[string]*advisory.Enrichment{}}
}

// addEnrichment is the enrichment callback given to feed.LoadAll.
func (b *builder) addEnrichment(e *advisory.Enrichment) error {
	if !advisory.IsCVE(e.ID) {
		return fmt.Errorf("enrichment record id %q is not a CVE id", e.ID)
	}
	acc := b.enrich
	if e.KEV != nil {
		k := acc.kev[e.ID]
		if k == nil {
			k = &advisory.Enrichment{ID: e.ID}
			acc.kev[e.ID] = k
		}
		k.Merge(&advisory.Enrichment{KEV: e.KEV})
	}
	if e.EPSS != nil {
		p := acc.epss[e.ID]
		if p == nil {
			p = &advisory.Enrichment{ID: e.ID}
			acc.epss[e.ID] = p
		}
		p.Merge(&advisory.Enrichment{EPSS: e.EPSS})
	}
	t := *e
	t.KEV, t.EPSS = nil, nil
	if t.Title == "" && t.Description == "" && t.CNASeverity == "" && len(t.CVSS) == 0 && len(t.References) == 0 {
		return nil
	}
	if old, ok := acc.text[e.ID]; ok {
		buf, err := b.dec.DecodeAll(old, nil)
		if err != nil {
			return fmt.Errorf("enrichment %s: %w", e.ID, err)
		}
		var prev advisory.Enrichment
		if err := json.Unmarshal(buf, &prev); err != nil {
			return fmt.Errorf("enrichment %s: %w", e.ID, err)
		}
		prev.Merge(&t)
		t = prev
	}
	js, err := json.Marshal(&t)
	if err != nil {
		return fmt.Errorf("encoding enrichment %s: %w", e.ID, err)
	}
	acc.text[e.ID] = b.encFast.EncodeAll(js, nil)
	return nil
}

// encodeEnrichment adds the enrichment buckets to keys and entries and
// returns what they hold.
func (b *builder) encodeEnrichment(keys []string, entries map[string]vulndb.KeyEntry) ([]string, vulndb.EnrichmentInfo, error) {
	acc := b.enrich
	var info vulndb.EnrichmentInfo
	ids := make(map[string]bool, len(acc.text))
	for id := range acc.text {
		ids[id] = true
	}
	for id := range acc.kev {
		ids[id] = true
	}
	for id := range acc.epss {
		ids[id] = true
	}
	// Group by bucket first: ids sort by string, so "CVE-2024-12340"
	// falls between "CVE-2024-1234" and "CVE-2024-1235", whose bucket is
	// another.
	buckets := map[string][]string{}
	for id := range ids {
		bk := vulndb.BucketOf(id)
		buckets[bk] = append(buckets[bk], id)
	}
	for bk, list := range buckets {
		sort.Strings(list)
		bucket := make([]advisory.Enrichment, 0, len(list))
		var scores []advisory.Enrichment // the EPSS bucket (vulndb.EPSSSuffix)
		for _, id := range list {
			e := advisory.Enrichment{ID: id}
			if z, ok := acc.text[id]; ok {
				buf, err := b.dec.DecodeAll(z, nil)
				if err == nil {
					err = json.Unmarshal(buf, &e)
				}
				if err != nil {
					return nil, info, fmt.Errorf("enrichment %s: %w", id, err)
				}
			}
			if k := acc.kev[id]; k != nil {
				e.KEV = k.KEV
				info.KEV++
			}
			if p := acc.epss[id]; p != nil {
				scores = append(scores, advisory.Enrichment{ID: id, EPSS: p.EPSS})
				info.EPSS++
				if p.EPSS.Date > info.EPSSDate {
					info.EPSSDate = p.EPSS.Date
				}
			}
			if len(e.CVSS) > 0 {
				info.WithCVSS++
			}
			info.CVEs++
			if _, text := acc.text[id]; text || e.KEV != nil {
				bucket = append(bucket, e)
			}
		}
		for _, part := range []struct {
			key  string
			recs []advisory.Enrichment
		}{{bk, bucket}, {bk + vulndb.EPSSSuffix, scores}} {
			if len(part.recs) == 0 {
				continue
			}
			js, err := json.Marshal(part.recs)
			if err != nil {
				return nil, info, fmt.Errorf("encoding enrichment: %w", err)
			}
			k := vulndb.JoinKey(vulndb.EnrichEco, part.key)
			keys = append(keys, k)
			entries[k] = vulndb.KeyEntry{Affected: b.enc.EncodeAll(js, nil)}
		}
	}
	return keys, info, nil
}

// contentDigests returns the digests of the advisory part (keys, affected
// entries and records) and of the enrichment part of a database, so that
// a new file that changes only enrichment (KEV and EPSS change daily) can
// be told from one whose advisories changed: the first needs findings
// re-ranked, the second re-matched.
func contentDigests(keys []string, entries map[string]vulndb.KeyEntry, records [][]byte) (adv, enr string) {
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	ha, he := sha256.New(), sha256.New()
	var lenBuf [8]byte
	write := func(h interface{ Write([]byte) (int, error) }, b []byte) {
		n := len(b)
		for i := range lenBuf {
			lenBuf[i] = byte(n >> (8 * i))
		}
		h.Write(lenBuf[:])
		h.Write(b)
	}
	for _, k := range sorted {
		e := entries[k]
		if strings.HasPrefix(k, vulndb.EnrichEco+"\x00") {
			write(he, []byte(k))
			write(he, e.Affected)
			continue
		}
		write(ha, []byte(k))
		write(ha, e.Affected)
		for _, id := range e.IDs {
			write(ha, records[id])
		}
	}
	return "sha256:" + hex.EncodeToString(ha.Sum(nil)), "sha256:" + hex.EncodeToString(he.Sum(nil))
}

// oracleDecoder is the oracle's zstd decoder, with the reader's limits.
var oracleDecoder = sync.OnceValue(func() *zstd.Decoder {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20))
	if err != nil {
		panic(err) // only invalid options make NewReader fail
	}
	return d
})
