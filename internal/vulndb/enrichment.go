package vulndb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

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
const EnrichEco = "\x01cve"

// bucketOf returns the bucket of a CVE id: the id without its last digit.
func BucketOf(cve string) string { return cve[:len(cve)-1] }

// EPSSSuffix marks the bucket holding the EPSS scores of a bucket's CVEs
// (schema 4): the key of CVE-2024-12345's score is
// EnrichEco\x00"CVE-2024-1234#epss". FIRST publishes new scores for
// nearly every CVE every day; kept in the CVE's bucket, they made a day's
// update compress every enrichment bucket again (30,000 for the CVE List,
// 7 of a 13 s update), while in buckets of their own the others are
// copied from the previous file and only these small ones are written
// again. '#' sorts before the digits, so the EPSS bucket follows its
// bucket in key order, before any other.
const EPSSSuffix = "#epss"

// EPSSBucketOf returns the bucket of a CVE's EPSS score.
func EPSSBucketOf(cve string) string { return BucketOf(cve) + EPSSSuffix }

// EnrichmentInfo counts what the database holds about CVEs.
type EnrichmentInfo struct {
	CVEs     int `json:"cves"`      // CVEs with any enrichment
	WithCVSS int `json:"with_cvss"` // ... with at least one scored vector
	KEV      int `json:"kev"`       // ... in CISA's KEV catalog
	EPSS     int `json:"epss"`      // ... with an EPSS score
	// EPSSDate is the newest EPSS score date seen.
	EPSSDate string `json:"epss_date,omitempty"`
}

// Enrichment returns what the database holds about a CVE, or nil.
func (db *DB) Enrichment(ctx context.Context, cve string) (*advisory.Enrichment, error) {
	m, err := db.Enrichments(ctx, []string{cve})
	if err != nil {
		return nil, err
	}
	return m[cve], nil
}

// Enrichments returns what the database holds about each of cves (CVEs
// it holds nothing about are absent from the map), decoding each bucket
// once: the findings of one scan name thousands of CVEs, ten to a bucket.
func (db *DB) Enrichments(ctx context.Context, cves []string) (map[string]*advisory.Enrichment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	byBucket := map[string][]string{}
	for _, c := range cves {
		if advisory.IsCVE(c) {
			byBucket[BucketOf(c)] = append(byBucket[BucketOf(c)], c)
		}
	}
	buckets := make([]string, 0, len(byBucket))
	for b := range byBucket {
		buckets = append(buckets, b)
	}
	// In key order: neighbouring buckets share index and data pages.
	sort.Strings(buckets)
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, db.wrap(errClosed)
	}
	out := make(map[string]*advisory.Enrichment, len(cves))
	for n, b := range buckets {
		if n%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		raw, err := db.bucketRaw(b, byBucket[b][0])
		if err != nil {
			return nil, db.wrap(err)
		}
		scores, err := db.bucketRaw(b+EPSSSuffix, byBucket[b][0])
		if err != nil {
			return nil, db.wrap(err)
		}
		// Only the records asked for are decoded: a bucket holds ten.
		for _, cve := range byBucket[b] {
			if out[cve] != nil {
				continue
			}
			e, err := decodeIn(raw, cve)
			if err != nil {
				return nil, db.wrap(err)
			}
			// The score, merged as the build merges a CVE's records.
			if p, err := decodeIn(scores, cve); err != nil {
				return nil, db.wrap(err)
			} else if p != nil && e == nil {
				e = p
			} else if p != nil {
				e.Merge(p)
			}
			if e != nil {
				out[cve] = e
			}
		}
	}
	return out, nil
}

// decodeIn decodes the record of cve among a bucket's records (sorted by
// id), or returns nil.
func decodeIn(raw []json.RawMessage, cve string) (*advisory.Enrichment, error) {
	i := sort.Search(len(raw), func(i int) bool { return enrichmentID(raw[i]) >= cve })
	if i == len(raw) || enrichmentID(raw[i]) != cve {
		return nil, nil
	}
	e := new(advisory.Enrichment)
	if err := json.Unmarshal(raw[i], e); err != nil {
		return nil, fmt.Errorf("%w: enrichment of %s: %v", ErrCorrupt, cve, err)
	}
	return e, nil
}

// enrichmentID reads the id of an encoded advisory.Enrichment: the first
// member as the build writes it, else (any other spelling) decoded.
func enrichmentID(raw []byte) string {
	const prefix = `{"id":"`
	if bytes.HasPrefix(raw, []byte(prefix)) {
		rest := raw[len(prefix):]
		if i := bytes.IndexByte(rest, '"'); i >= 0 && bytes.IndexByte(rest[:i], '\\') < 0 {
			return string(rest[:i])
		}
	}
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.ID
}

// bucketRaw decodes one enrichment bucket into its records' JSON, sorted
// by id (nil when absent); cve names one of its CVEs for errors. The
// caller holds db.mu.
func (db *DB) bucketRaw(b, cve string) ([]json.RawMessage, error) {
	ids, off, n, err := db.l.lookupRange(JoinKey(EnrichEco, b))
	if err != nil || ids == nil {
		return nil, err
	}
	z, err := db.l.dataRange(off, n)
	if err != nil {
		return nil, fmt.Errorf("enrichment of %s: %w", cve, err)
	}
	if db.l.drop != nil {
		defer db.l.drop(off, n)
	}
	buf, err := db.dec.DecodeAll(z, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: enrichment of %s: %v", ErrCorrupt, cve, err)
	}
	raw, err := splitArray(buf)
	if err != nil {
		return nil, fmt.Errorf("%w: enrichment of %s: %v", ErrCorrupt, cve, err)
	}
	return raw, nil
}

// splitArray splits a JSON array of objects into its elements without
// parsing them: a string-aware scan for the brackets that close each one
// (about ten times cheaper than a validating decode, which a bucket's
// records not asked for do not need). The elements returned are decoded,
// and so validated, by json.Unmarshal when asked for; the pages they come
// from are digest-verified.
func splitArray(b []byte) ([]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, errors.New("not a JSON array")
	}
	var out []json.RawMessage
	var open []byte // the closing bracket each open one needs
	start := -1
	inString, escaped := false, false
	for i := 1; i < len(b)-1; i++ {
		c := b[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			if len(open) == 0 {
				return nil, fmt.Errorf("element at byte %d is not an object", i)
			}
			inString = true
		case c == '{' || c == '[':
			if len(open) == 0 {
				if c != '{' {
					return nil, fmt.Errorf("element at byte %d is not an object", i)
				}
				start = i
			}
			open = append(open, c+2) // '{'+2 is '}', '['+2 is ']'
		case c == '}' || c == ']':
			if len(open) == 0 || open[len(open)-1] != c {
				return nil, fmt.Errorf("unbalanced %q at byte %d", c, i)
			}
			open = open[:len(open)-1]
			if len(open) == 0 {
				out = append(out, json.RawMessage(b[start:i+1]))
			}
		case len(open) == 0 && c != ',' && c != ' ' && c != '\n' && c != '\t' && c != '\r':
			return nil, fmt.Errorf("unexpected %q at byte %d", c, i)
		}
	}
	if len(open) != 0 || inString {
		return nil, errors.New("unterminated element")
	}
	return out, nil
}
