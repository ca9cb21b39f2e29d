package rpm

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/adler32"
)

// ndb layout, from rpm's lib/backend/ndb/rpmpkg.c. All integers are
// little-endian uint32.
const (
	ndbPageSize   = 4096
	ndbSlotSize   = 16
	ndbBlockSize  = 16
	ndbHeaderSize = 32 // magic, version, generation, slot pages, next index, pad
	ndbHeadSize   = 16 // blob head: magic, package index, timestamp, length
	ndbTailSize   = 12 // blob tail: adler32, length, magic
	ndbMagic      = 'R' | 'p'<<8 | 'm'<<16 | 'P'<<24
	ndbSlotMagic  = 'S' | 'l'<<8 | 'o'<<16 | 't'<<24
	ndbBlobMagic  = 'B' | 'l'<<8 | 'b'<<16 | 'S'<<24
	ndbTailMagic  = 'B' | 'l'<<8 | 'b'<<16 | 'E'<<24
)

// ndbBlobs returns the header blobs of an ndb Packages.db (SUSE).
//
// Hand-written: go-rpmdb gained an ndb reader only after the one version
// the module proxy serves, and rpm's own format is simple. The file starts
// with slot pages; each 16-byte slot {magic, pkgidx, blkoff, blkcnt} points
// at a blob stored at blkoff*16, framed by a head and a tail carrying an
// adler32 of head+blob+padding. Slots with blkoff 0 are free. Blobs whose
// frame or checksum does not verify are skipped and reported, as rpm
// itself refuses them.
func ndbBlobs(ctx context.Context, data []byte) ([][]byte, error) {
	le := binary.LittleEndian
	if len(data) < ndbHeaderSize || le.Uint32(data[0:4]) != ndbMagic {
		return nil, fmt.Errorf("not an ndb package database: %w", ErrMalformed)
	}
	if v := le.Uint32(data[4:8]); v != 0 {
		return nil, fmt.Errorf("ndb version %d: %w", v, ErrMalformed)
	}
	slotPages := uint64(le.Uint32(data[12:16]))
	if slotPages == 0 || slotPages*ndbPageSize > uint64(len(data)) {
		return nil, fmt.Errorf("ndb claims %d slot pages in %d bytes: %w", slotPages, len(data), ErrMalformed)
	}
	var (
		blobs [][]byte
		bad   int
		first error
		total uint64
	)
	slots := data[:slotPages*ndbPageSize]
	for off := uint64(ndbHeaderSize); off < uint64(len(slots)); off += ndbSlotSize {
		if off%ndbPageSize == 0 {
			if err := ctx.Err(); err != nil {
				return blobs, fmt.Errorf("reading ndb: %w", err)
			}
		}
		s := slots[off : off+ndbSlotSize]
		if le.Uint32(s[0:4]) != ndbSlotMagic {
			return blobs, fmt.Errorf("ndb slot at byte %d: bad magic: %w", off, ErrMalformed)
		}
		pkgIdx, blkOff, blkCnt := le.Uint32(s[4:8]), uint64(le.Uint32(s[8:12])), uint64(le.Uint32(s[12:16]))
		if blkOff == 0 {
			continue
		}
		// Valid blobs never overlap, so together they fit in the file;
		// overlapping slots would make checksumming quadratic.
		if total += blkCnt * ndbBlockSize; total > uint64(len(data)) {
			return blobs, fmt.Errorf("ndb slots overlap: %w", ErrMalformed)
		}
		b, err := ndbBlob(data, pkgIdx, blkOff, blkCnt, slotPages)
		if err != nil {
			if bad == 0 {
				first = err
			}
			bad++
			continue
		}
		blobs = append(blobs, b)
	}
	if bad > 0 {
		return blobs, fmt.Errorf("%d ndb blobs unreadable, the first: %w", bad, first)
	}
	return blobs, nil
}

func ndbBlob(data []byte, pkgIdx uint32, blkOff, blkCnt, slotPages uint64) ([]byte, error) {
	le := binary.LittleEndian
	start, size := blkOff*ndbBlockSize, blkCnt*ndbBlockSize
	switch {
	case pkgIdx == 0 || blkOff < slotPages*ndbPageSize/ndbBlockSize:
		return nil, fmt.Errorf("ndb package %d: bad slot (block %d): %w", pkgIdx, blkOff, ErrMalformed)
	case size < ndbHeadSize+ndbTailSize || start+size > uint64(len(data)):
		return nil, fmt.Errorf("ndb package %d: blocks %d+%d outside the %d-byte file: %w", pkgIdx, blkOff, blkCnt, len(data), ErrMalformed)
	}
	frame := data[start : start+size]
	blobLen := uint64(le.Uint32(frame[12:16]))
	if le.Uint32(frame[0:4]) != ndbBlobMagic || le.Uint32(frame[4:8]) != pkgIdx {
		return nil, fmt.Errorf("ndb package %d: bad blob head: %w", pkgIdx, ErrMalformed)
	}
	if (ndbHeadSize+blobLen+ndbTailSize+ndbBlockSize-1)/ndbBlockSize != blkCnt {
		return nil, fmt.Errorf("ndb package %d: blob of %d bytes in %d blocks: %w", pkgIdx, blobLen, blkCnt, ErrMalformed)
	}
	tail := frame[size-ndbTailSize:]
	if le.Uint32(tail[8:12]) != ndbTailMagic || uint64(le.Uint32(tail[4:8])) != blobLen {
		return nil, fmt.Errorf("ndb package %d: bad blob tail: %w", pkgIdx, ErrMalformed)
	}
	if sum := adler32.Checksum(frame[:size-ndbTailSize]); sum != le.Uint32(tail[0:4]) {
		return nil, fmt.Errorf("ndb package %d: checksum mismatch: %w", pkgIdx, ErrMalformed)
	}
	return frame[ndbHeadSize : ndbHeadSize+blobLen], nil
}
