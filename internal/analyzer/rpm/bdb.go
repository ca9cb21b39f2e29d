package rpm

import (
	"context"
	"fmt"

	"github.com/knqyf263/go-rpmdb/pkg/bdb"
)

// bdbBlobs returns the values of a Berkeley DB hash database (rpm's
// Packages file), i.e. the package header blobs.
//
// go-rpmdb's page and entry decoders are used as they are, but not its
// BerkeleyDB.Read walk: that reads an *os.File from a goroutine that leaks
// when the caller stops early, loops forever when an overflow chain points
// at a page that is not an overflow page, and indexes pages with offsets
// taken from the file unchecked. The walk below works on the bytes the
// analyzer was given, checks every offset and visits each overflow page at
// most once per value.
func bdbBlobs(ctx context.Context, data []byte) ([][]byte, error) {
	const metaSize = 512
	if len(data) < metaSize {
		return nil, fmt.Errorf("berkeley db of %d bytes: %w", len(data), ErrMalformed)
	}
	meta, err := bdb.ParseHashMetadataPage(data[:metaSize])
	if err != nil {
		return nil, fmt.Errorf("berkeley db metadata: %v: %w", err, ErrMalformed)
	}
	ps := uint64(meta.PageSize)
	switch ps {
	case 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536:
	default:
		return nil, fmt.Errorf("berkeley db page size %d: %w", ps, ErrMalformed)
	}
	npages := uint64(len(data)) / ps
	last := uint64(meta.LastPageNo)
	var truncated error
	if last >= npages {
		truncated = fmt.Errorf("berkeley db claims %d pages, file holds %d: %w", last+1, npages, ErrMalformed)
		last = npages - 1
	}
	page := func(n uint64) []byte { return data[n*ps : (n+1)*ps] }

	var (
		blobs [][]byte
		total uint64
	)
	for n := uint64(0); n <= last; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return blobs, fmt.Errorf("reading berkeley db: %w", err)
			}
		}
		pg := page(n)
		hp, err := bdb.ParseHashPage(pg)
		if err != nil {
			return blobs, fmt.Errorf("page %d: %v: %w", n, err, ErrMalformed)
		}
		if hp.PageType != bdb.HashUnsortedPageType && hp.PageType != bdb.HashPageType {
			continue
		}
		if uint64(bdb.PageHeaderSize)+uint64(hp.NumEntries)*bdb.HashIndexEntrySize > ps {
			return blobs, fmt.Errorf("page %d: %d entries overflow the page: %w", n, hp.NumEntries, ErrMalformed)
		}
		idx, err := bdb.HashPageValueIndexes(pg, hp.NumEntries)
		if err != nil {
			return blobs, fmt.Errorf("page %d: %v: %w", n, err, ErrMalformed)
		}
		for _, off := range idx {
			if uint64(off) >= ps {
				return blobs, fmt.Errorf("page %d: entry offset %d out of page: %w", n, off, ErrMalformed)
			}
			// Package headers are always stored off-page; inline
			// values are the database's own bookkeeping.
			if pg[off] != bdb.HashOffIndexPageType {
				continue
			}
			if uint64(off)+bdb.HashOffPageSize > ps {
				return blobs, fmt.Errorf("page %d: off-page entry at %d crosses the page end: %w", n, off, ErrMalformed)
			}
			e, err := bdb.ParseHashOffPageEntry(pg[off : off+bdb.HashOffPageSize])
			if err != nil {
				return blobs, fmt.Errorf("page %d: %v: %w", n, err, ErrMalformed)
			}
			v, err := overflowValue(data, ps, npages, uint64(e.PageNo), uint64(e.Length))
			if err != nil {
				return blobs, fmt.Errorf("page %d: %w", n, err)
			}
			// Each overflow page belongs to one value: values adding up
			// to more than the file share pages, and would let a small
			// hostile file claim unbounded memory.
			if total += uint64(len(v)); total > uint64(len(data)) {
				return blobs, fmt.Errorf("values share overflow pages: %w", ErrMalformed)
			}
			blobs = append(blobs, v)
		}
	}
	return blobs, truncated
}

// overflowValue concatenates an overflow page chain. A value never spans
// more pages than the file has, which bounds both loops and cycles.
func overflowValue(data []byte, ps, npages, first, length uint64) ([]byte, error) {
	if length > uint64(len(data)) {
		return nil, fmt.Errorf("value of %d bytes in a %d-byte file: %w", length, len(data), ErrMalformed)
	}
	v := make([]byte, 0, min(length, 1<<20))
	visited := uint64(0)
	for n := first; n != 0; visited++ {
		if n >= npages || visited >= npages {
			return nil, fmt.Errorf("overflow chain reaches page %d of %d: %w", n, npages, ErrMalformed)
		}
		pg := data[n*ps : (n+1)*ps]
		hp, err := bdb.ParseHashPage(pg)
		if err != nil {
			return nil, fmt.Errorf("overflow page %d: %v: %w", n, err, ErrMalformed)
		}
		if hp.PageType != bdb.OverflowPageType {
			return nil, fmt.Errorf("page %d in an overflow chain has type %d: %w", n, hp.PageType, ErrMalformed)
		}
		chunk := pg[bdb.PageHeaderSize:]
		if hp.NextPageNo == 0 {
			// On the last page the "free area offset" field holds the
			// number of bytes used.
			if uint64(bdb.PageHeaderSize)+uint64(hp.FreeAreaOffset) > ps {
				return nil, fmt.Errorf("overflow page %d: %d bytes used: %w", n, hp.FreeAreaOffset, ErrMalformed)
			}
			chunk = chunk[:hp.FreeAreaOffset]
		}
		v = append(v, chunk...)
		n = uint64(hp.NextPageNo)
	}
	return v, nil
}
