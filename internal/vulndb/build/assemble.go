package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/sync/errgroup"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/runs"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/atomicfile"
)

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

// assemble merges the intermediates of every source into the database
// file at out (see encodeFile and vulndb.EncodeHead in format.go for the layout, which it reproduces byte
// for byte from streams): the data section is written to a scratch file
// in work while the index, the record table and the block digests — a
// few bytes per key, record and 4 KiB block — are kept in memory; then
// the head is written and the data copied behind it. With a cache
// directory, the compressed entries of keys whose items did not change
// are copied from the previous build's file (see package runs).
func assemble(ctx context.Context, out, work, cacheDir string, feeds []*feedOut, builtAt time.Time, sources []vulndb.SourceInfo) (ms mergeStats, err error) {
	var (
		rs    []*runs.Reader
		recs  = make([]*segReader, len(feeds))
		idxs  = make([][]byte, len(feeds))
		newID = make([][]uint32, len(feeds))
		total int
	)
	defer func() {
		for _, r := range rs {
			r.Close()
		}
		for _, f := range recs {
			if f != nil {
				f.Close()
			}
		}
	}()
	ecoSet := map[string]bool{}
	epssDate := ""
	for i, fo := range feeds {
		rr, rf, idx, live, err := openFeed(fo, i)
		if err != nil {
			return ms, err
		}
		rs, recs[i], idxs[i] = append(rs, rr...), rf, idx
		newID[i] = make([]uint32, fo.meta.Records)
		for j := range newID[i] {
			newID[i][j] = math.MaxUint32
		}
		total += live
		for _, e := range fo.meta.Ecosystems {
			ecoSet[e] = true
		}
		epssDate = max(epssDate, fo.meta.EPSSDate)
	}
	if total > math.MaxUint32-1 {
		return ms, fmt.Errorf("too many records (%d)", total)
	}
	m, err := runs.NewMerger(rs)
	if err != nil {
		return ms, err
	}
	prev := runs.OpenPrevIndex(cacheDir, out)
	defer prev.Close()
	midx, err := runs.NewIndexWriter(cacheDir)
	if err != nil {
		return ms, err
	}
	committed := false
	defer func() {
		if !committed {
			midx.Abort()
		}
	}()

	df, err := os.CreateTemp(work, "data-*")
	if err != nil {
		return ms, err
	}
	defer df.Close()
	data := &blockHasher{w: df}

	var (
		entries, offsets []byte
		recTab           = make([]byte, 4+vulndb.RecEntrySize*total)
		next             uint32
		nKeys, nAdvKeys  int
		einfo            vulndb.EnrichmentInfo
		seen             seenCVEs
		ha, he           = sha256.New(), sha256.New()
		rbuf             []byte
	)
	binary.LittleEndian.PutUint32(recTab, uint32(total))

	// Three stages, so that on two cores compressing the keys' affected
	// entries (the merge's main cost) overlaps with merging the runs and
	// with writing: the merge makes groups in key order, compressors
	// encode them in any order, and the writer takes them in key order.
	g, gctx := errgroup.WithContext(ctx)
	var reused atomic.Int64
	jobs := make(chan *keyGroup, 64)
	ordered := make(chan *keyGroup, 256)
	g.Go(func() error {
		defer close(jobs)
		defer close(ordered)
		for n := 0; ; n++ {
			if n%4096 == 0 {
				if err := gctx.Err(); err != nil {
					return err
				}
			}
			first, _ := m.Peek()
			if first == nil {
				return nil
			}
			grp := &keyGroup{key: first.Key, z: make(chan mergedEntry, 1)}
			grp.enrich = strings.HasPrefix(grp.key, vulndb.EnrichEco+"\x00")
			grp.prev = prev.Find(grp.key)
			if grp.enrich {
				var err error
				if grp.subs, grp.vals, err = collectBucket(m, grp.key, &einfo, &seen); err != nil {
					return err
				}
			} else {
				for it, fi := m.Peek(); it != nil && it.Key == grp.key; it, fi = m.Peek() {
					grp.vals = append(grp.vals, it.Val)
					if int(it.Seq) >= len(newID[fi]) {
						return fmt.Errorf("source %s: item names record %d of %d", feeds[fi].meta.Source, it.Seq, len(newID[fi]))
					}
					// (feed, seq) until the writer renumbers it.
					grp.ids = append(grp.ids, uint32(fi), it.Seq)
					if err := m.Advance(); err != nil {
						return err
					}
				}
			}
			for _, ch := range []chan *keyGroup{ordered, jobs} {
				select {
				case ch <- grp:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
		}
	})
	for range min(runtime.GOMAXPROCS(0), 4) {
		g.Go(func() error {
			enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
			if err != nil {
				return err
			}
			defer enc.Close()
			var jbuf bytes.Buffer
			for grp := range jobs {
				e := mergedEntry{sum: runs.GroupSum(grp.enrich, grp.subs, grp.vals)}
				if grp.prev != nil && grp.prev.Sum == e.sum {
					e.z = grp.prev.Z // nil when damaged: encoded again
				}
				if e.z != nil {
					reused.Add(1)
				} else {
					vals := grp.vals
					if grp.enrich {
						if vals, err = mergeCVEs(grp.subs, grp.vals); err != nil {
							return err
						}
					}
					e.z = enc.EncodeAll(joinJSON(&jbuf, vals), nil)
				}
				e.crc = runs.Checksum(e.z)
				grp.z <- e
			}
			return nil
		})
	}
	g.Go(func() error {
		for grp := range ordered {
			var me mergedEntry
			select {
			case me = <-grp.z:
			case <-gctx.Done():
				return gctx.Err()
			}
			zbuf := me.z
			key, ids := grp.key, grp.ids
			if len(entries) > math.MaxUint32 {
				return errors.New("index larger than 4 GiB")
			}
			affOff := data.n
			data.Write(zbuf)
			midx.Add(key, me.sum, uint64(affOff), zbuf, me.crc)
			h := ha
			if grp.enrich {
				h = he
			}
			runs.DigestWrite(h, []byte(key))
			runs.DigestWrite(h, zbuf)
			nIDs := len(ids) / 2
			entryIDs := make([]uint32, 0, nIDs)
			for j := 0; j < len(ids); j += 2 {
				fi, seq := int(ids[j]), ids[j+1]
				e := idxs[fi][vulndb.RecEntrySize*int(seq):]
				off, ln := binary.LittleEndian.Uint64(e), binary.LittleEndian.Uint32(e[8:])
				if cap(rbuf) < int(ln) {
					rbuf = make([]byte, ln)
				}
				rbuf = rbuf[:ln]
				if _, err := recs[fi].ReadAt(rbuf, int64(off)); err != nil {
					return fmt.Errorf("source %s: reading record %d: %w", feeds[fi].meta.Source, seq, err)
				}
				runs.DigestWrite(ha, rbuf)
				id := newID[fi][seq]
				if id == math.MaxUint32 {
					id = next
					newID[fi][seq] = id
					te := recTab[4+vulndb.RecEntrySize*int(id):]
					binary.LittleEndian.PutUint64(te, uint64(data.n))
					binary.LittleEndian.PutUint32(te[8:], ln)
					data.Write(rbuf)
					next++
				}
				entryIDs = append(entryIDs, id)
			}
			offsets = binary.LittleEndian.AppendUint32(offsets, uint32(len(entries)))
			entries = binary.AppendUvarint(entries, uint64(len(key)))
			entries = append(entries, key...)
			entries = binary.AppendUvarint(entries, uint64(nIDs))
			for _, id := range entryIDs {
				entries = binary.AppendUvarint(entries, uint64(id))
			}
			entries = binary.AppendUvarint(entries, uint64(affOff))
			entries = binary.AppendUvarint(entries, uint64(len(zbuf)))
			nKeys++
			if !grp.enrich {
				nAdvKeys++
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return ms, err
	}
	if int(next) != total {
		// Every record must be reachable: feeds store only keyed
		// advisories, and an unreachable record would have no place.
		return ms, fmt.Errorf("%d of %d records are named by no key", total-int(next), total)
	}
	if err := data.flush(); err != nil {
		return ms, fmt.Errorf("writing data: %w", err)
	}
	einfo.EPSSDate = epssDate
	if einfo.EPSS == 0 {
		einfo.EPSSDate = ""
	}
	ecos := make([]string, 0, len(ecoSet))
	for e := range ecoSet {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	meta := vulndb.StoredMeta{
		SchemaVersion: vulndb.SchemaVersion,
		BuiltAt:       builtAt.Format(time.RFC3339Nano),
		Sources:       sources,
		Ecosystems:    ecos,
		Advisories:    total,
		Keys:          nAdvKeys,
		Enrichment:    &einfo,
		AdvDigest:     "sha256:" + hex.EncodeToString(ha.Sum(nil)),
		EnrichDigest:  "sha256:" + hex.EncodeToString(he.Sum(nil)),
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return ms, fmt.Errorf("encoding metadata: %w", err)
	}
	index := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+len(offsets)+len(entries)), uint32(nKeys))
	index = append(index, offsets...)
	index = append(index, entries...)
	offsets, entries = nil, nil
	blocks := binary.LittleEndian.AppendUint32(nil, vulndb.BlockSize)
	blocks = binary.LittleEndian.AppendUint32(blocks, uint32(len(data.sums)/sha256.Size))
	blocks = append(blocks, data.sums...)
	head := vulndb.EncodeHead(metaJSON, index, recTab, blocks, uint64(data.n))

	if err := writeFile(out, head, df, data.n); err != nil {
		return ms, err
	}
	committed = true
	ms = mergeStats{Keys: nKeys, Reused: int(reused.Load())}
	// A failure here only costs the next build its reuse.
	return ms, midx.Commit(cacheDir, head)
}

// mergeStats says how much of a merge was copied from the previous file.
type mergeStats struct{ Keys, Reused int }

// keyGroup is one key's items on their way through assemble's stages.
type keyGroup struct {
	key    string
	enrich bool
	subs   []string // enrichment: each item's CVE id
	vals   [][]byte
	ids    []uint32 // (source index, record number) pairs
	prev   *runs.PrevEntry
	z      chan mergedEntry
}

// mergedEntry is a key's compressed entry, with what the merge index
// records of it.
type mergedEntry struct {
	z   []byte
	sum [32]byte
	crc uint32
}

// collectBucket reads the items of one enrichment bucket (sorted by CVE
// id, then source, then order) and counts its CVEs; mergeCVEs, run by the
// compressing stage and only when the bucket's entry cannot be reused,
// turns them into one record per CVE.
//
// A CVE is counted once although its score is in another bucket (its
// EPSS bucket, vulndb.EPSSSuffix): that bucket follows the CVE's in key
// order, and seen carries the CVEs of the last bucket to it.
func collectBucket(m *runs.Merger, key string, info *vulndb.EnrichmentInfo, seen *seenCVEs) (subs []string, vals [][]byte, err error) {
	base, scores := strings.CutSuffix(key, vulndb.EPSSSuffix)
	if !scores {
		seen.key, seen.ids = key, seen.ids[:0]
	}
	for it, _ := m.Peek(); it != nil && it.Key == key; {
		id := it.Sub
		var flags uint8
		for ; it != nil && it.Key == key && it.Sub == id; it, _ = m.Peek() {
			subs = append(subs, id)
			vals = append(vals, it.Val)
			flags |= it.Flags
			if err := m.Advance(); err != nil {
				return nil, nil, err
			}
		}
		if !scores {
			seen.ids = append(seen.ids, id)
		}
		if !scores || seen.key != base || !slices.Contains(seen.ids, id) {
			info.CVEs++
		}
		if flags&runs.EnrCVSS != 0 {
			info.WithCVSS++
		}
		if flags&runs.EnrKEV != 0 {
			info.KEV++
		}
		if flags&runs.EnrEPSS != 0 {
			info.EPSS++
		}
	}
	return subs, vals, nil
}

// seenCVEs is the last enrichment bucket and its CVEs.
type seenCVEs struct {
	key string
	ids []string
}

// mergeCVEs returns each CVE's record: the one record as the feed encoded
// it, or the records of several sources merged in source order
// (advisory.Enrichment.Merge).
func mergeCVEs(subs []string, vals [][]byte) ([][]byte, error) {
	var out [][]byte
	for i := 0; i < len(vals); {
		j := i + 1
		for j < len(vals) && subs[j] == subs[i] {
			j++
		}
		v := vals[i]
		if j-i > 1 {
			var e advisory.Enrichment
			if err := json.Unmarshal(vals[i], &e); err != nil {
				return nil, fmt.Errorf("enrichment %s: %w", subs[i], err)
			}
			for _, g := range vals[i+1 : j] {
				var o advisory.Enrichment
				if err := json.Unmarshal(g, &o); err != nil {
					return nil, fmt.Errorf("enrichment %s: %w", subs[i], err)
				}
				e.Merge(&o)
			}
			b, err := json.Marshal(&e)
			if err != nil {
				return nil, fmt.Errorf("encoding enrichment %s: %w", subs[i], err)
			}
			v = b
		}
		out = append(out, v)
		i = j
	}
	return out, nil
}

// writeFile writes head then the n bytes of data (from its start) to a
// temporary file next to path, syncs it and renames it over path.
func writeFile(path string, head []byte, data *os.File, n int64) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(head); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	// io.Copy between files uses copy_file_range on Linux: the data does
	// not pass through this process.
	if _, err := data.Seek(0, io.SeekStart); err != nil {
		tmp.Close()
		return err
	}
	if c, err := io.Copy(tmp, io.LimitReader(data, n)); err != nil || c != n {
		tmp.Close()
		return fmt.Errorf("writing %s: copied %d of %d data bytes: %v", tmp.Name(), c, n, err)
	}
	return atomicfile.Commit(tmp, path)
}

// blockHasher receives the data section as it is written and keeps the
// sha256 of every vulndb.BlockSize slice. It stages the data itself (1 MiB)
// and hashes the blocks where they lie, rather than copying every byte
// once more into a block buffer behind a bufio.Writer: the 330 MB of a
// real-volume file were copied twice on their way to the disk.
type blockHasher struct {
	w     io.Writer
	stage []byte
	sums  []byte
	n     int64
	err   error
}

const stageBytes = 1 << 20 // a multiple of vulndb.BlockSize

func (h *blockHasher) Write(p []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	n := len(p)
	h.n += int64(n)
	for len(p) > 0 {
		if h.stage == nil {
			h.stage = make([]byte, 0, stageBytes)
		}
		k := min(len(p), stageBytes-len(h.stage))
		h.stage = append(h.stage, p[:k]...)
		p = p[k:]
		if len(h.stage) == stageBytes {
			h.writeStage()
		}
	}
	return n, h.err
}

// writeStage hashes the staged blocks (the last may be short only at the
// end of the data) and writes them out.
func (h *blockHasher) writeStage() {
	for off := 0; off < len(h.stage); off += vulndb.BlockSize {
		sum := sha256Sum(h.stage[off:min(off+vulndb.BlockSize, len(h.stage))])
		h.sums = append(h.sums, sum[:]...)
	}
	if _, err := h.w.Write(h.stage); err != nil && h.err == nil {
		h.err = err
	}
	h.stage = h.stage[:0]
}

// flush writes what is staged: call once, at the end of the data.
func (h *blockHasher) flush() error {
	if len(h.stage) > 0 {
		h.writeStage()
	}
	return h.err
}

// joinJSON writes "[a,b,...]" of already encoded JSON values: what
// json.Marshal gives for a slice of the values they encode.
func joinJSON(buf *bytes.Buffer, vals [][]byte) []byte {
	buf.Reset()
	buf.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(v)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}
