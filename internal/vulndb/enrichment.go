package vulndb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// Enrichment (advisory.Enrichment, one per CVE) is stored in the same key
// index as the advisories, under a reserved ecosystem no feed can name
// (enrichEco starts with a control byte), in buckets of up to ten CVEs:
// the key of CVE-2024-12345 is enrichEco\x00"CVE-2024-1234", and its data
// is zstd(JSON([]Enrichment)) sorted by id. Bucketing keeps the index (and
// so the head hashed on every Open) to a tenth of the CVE count and lets
// zstd compress neighbouring records together; a lookup still decodes at
// most ten records. Advisory lookups are a binary search over the same
// index, so 300,000 CVEs add about one comparison to each.
const enrichEco = "\x01cve"

// bucketOf returns the bucket of a CVE id: the id without its last digit.
func bucketOf(cve string) string { return cve[:len(cve)-1] }

// EnrichmentInfo counts what the database holds about CVEs.
type EnrichmentInfo struct {
	CVEs     int `json:"cves"`      // CVEs with any enrichment
	WithCVSS int `json:"with_cvss"` // ... with at least one scored vector
	KEV      int `json:"kev"`       // ... in CISA's KEV catalog
	EPSS     int `json:"epss"`      // ... with an EPSS score
	// EPSSDate is the newest EPSS score date seen.
	EPSSDate string `json:"epss_date,omitempty"`
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
func (b *builder) encodeEnrichment(keys []string, entries map[string]keyEntry) ([]string, EnrichmentInfo, error) {
	acc := b.enrich
	var info EnrichmentInfo
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
		bk := bucketOf(id)
		buckets[bk] = append(buckets[bk], id)
	}
	for bk, list := range buckets {
		sort.Strings(list)
		bucket := make([]advisory.Enrichment, 0, len(list))
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
				e.EPSS = p.EPSS
				info.EPSS++
				if p.EPSS.Date > info.EPSSDate {
					info.EPSSDate = p.EPSS.Date
				}
			}
			if len(e.CVSS) > 0 {
				info.WithCVSS++
			}
			info.CVEs++
			bucket = append(bucket, e)
		}
		js, err := json.Marshal(bucket)
		if err != nil {
			return nil, info, fmt.Errorf("encoding enrichment: %w", err)
		}
		k := joinKey(enrichEco, bk)
		keys = append(keys, k)
		entries[k] = keyEntry{affected: b.enc.EncodeAll(js, nil)}
	}
	return keys, info, nil
}

// contentDigests returns the digests of the advisory part (keys, affected
// entries and records) and of the enrichment part of a database, so that
// a new file that changes only enrichment (KEV and EPSS change daily) can
// be told from one whose advisories changed: the first needs findings
// re-ranked, the second re-matched.
func contentDigests(keys []string, entries map[string]keyEntry, records [][]byte) (adv, enr string) {
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
		if strings.HasPrefix(k, enrichEco+"\x00") {
			write(he, []byte(k))
			write(he, e.affected)
			continue
		}
		write(ha, []byte(k))
		write(ha, e.affected)
		for _, id := range e.ids {
			write(ha, records[id])
		}
	}
	return "sha256:" + hex.EncodeToString(ha.Sum(nil)), "sha256:" + hex.EncodeToString(he.Sum(nil))
}

// Enrichment returns what the database holds about a CVE, or nil.
func (db *DB) Enrichment(ctx context.Context, cve string) (*advisory.Enrichment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !advisory.IsCVE(cve) {
		return nil, nil
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, db.wrap(errClosed)
	}
	key := joinKey(enrichEco, bucketOf(cve))
	ids, off, n, err := db.l.lookupRange(key)
	if err != nil {
		return nil, db.wrap(err)
	}
	if ids == nil {
		return nil, nil
	}
	z, err := db.l.dataRange(off, n)
	if err != nil {
		return nil, db.wrap(fmt.Errorf("enrichment of %s: %w", cve, err))
	}
	if db.l.drop != nil {
		defer db.l.drop(off, n)
	}
	buf, err := db.dec.DecodeAll(z, nil)
	if err != nil {
		return nil, db.wrap(fmt.Errorf("%w: enrichment of %s: %v", ErrCorrupt, cve, err))
	}
	var bucket []advisory.Enrichment
	if err := json.Unmarshal(buf, &bucket); err != nil {
		return nil, db.wrap(fmt.Errorf("%w: enrichment of %s: %v", ErrCorrupt, cve, err))
	}
	i := sort.Search(len(bucket), func(i int) bool { return bucket[i].ID >= cve })
	if i < len(bucket) && bucket[i].ID == cve {
		return &bucket[i], nil
	}
	return nil, nil
}
