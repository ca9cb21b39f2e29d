package rpm

import (
	"bytes"
	"encoding/binary"
	"fmt"

	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
)

// header holds the tags of one package header that a scan needs.
type header struct {
	name, version, release, arch, sourceRPM string
	epoch                                   int
}

const (
	indexEntrySize = 16
	// maxIndexEntries mirrors rpm's own sanity limit on header tag counts
	// (hdrchkTags: 0x0000ffff).
	maxIndexEntries = 0xffff
)

// parseHeader reads an rpm header blob as stored in every rpmdb backend:
// il and dl (big-endian uint32: index entry count and data length), il
// 16-byte index entries {tag, type, offset, count}, then dl bytes of data.
//
// Hand-written because go-rpmdb v0.0.0-20210911072402 (the only version the
// module proxy serves) keeps its header importer unexported, and that
// importer allocates il entries before checking il against the blob's size,
// so a hostile header can ask for gigabytes. Only the six tags a scan needs
// are decoded, with every offset checked against the blob. Tags repeated
// after the immutable region (rpm's "dribble" entries) override earlier
// ones, as in rpm.
func parseHeader(b []byte) (*header, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("header of %d bytes: %w", len(b), ErrMalformed)
	}
	il := binary.BigEndian.Uint32(b[0:4])
	dl := binary.BigEndian.Uint32(b[4:8])
	if il == 0 || il > maxIndexEntries {
		return nil, fmt.Errorf("header index count %d: %w", il, ErrMalformed)
	}
	dataStart := 8 + uint64(il)*indexEntrySize
	if dataStart+uint64(dl) > uint64(len(b)) {
		return nil, fmt.Errorf("header claims %d index entries and %d data bytes, blob has %d bytes: %w", il, dl, len(b), ErrMalformed)
	}
	data := b[dataStart : dataStart+uint64(dl)]
	h := &header{}
	// Entries are located first and decoded once at the end, so a header
	// repeating a tag thousands of times costs no more than one copy.
	var strs [5]struct {
		set bool
		off uint32
	}
	dsts := [5]*string{&h.name, &h.version, &h.release, &h.arch, &h.sourceRPM}
	for i := uint64(0); i < uint64(il); i++ {
		e := b[8+i*indexEntrySize : 8+(i+1)*indexEntrySize]
		tag := int32(binary.BigEndian.Uint32(e[0:4]))
		typ := binary.BigEndian.Uint32(e[4:8])
		off := binary.BigEndian.Uint32(e[8:12])
		count := binary.BigEndian.Uint32(e[12:16])
		k := -1
		switch tag {
		case rpmdb.RPMTAG_NAME:
			k = 0
		case rpmdb.RPMTAG_VERSION:
			k = 1
		case rpmdb.RPMTAG_RELEASE:
			k = 2
		case rpmdb.RPMTAG_ARCH:
			k = 3
		case rpmdb.RPMTAG_SOURCERPM:
			k = 4
		case rpmdb.RPMTAG_EPOCH:
			if typ != rpmdb.RPM_INT32_TYPE || count < 1 || uint64(off)+4 > uint64(len(data)) {
				return nil, fmt.Errorf("bad EPOCH entry (type %d, offset %d): %w", typ, off, ErrMalformed)
			}
			ep := int32(binary.BigEndian.Uint32(data[off : off+4]))
			if ep < 0 {
				return nil, fmt.Errorf("negative epoch %d: %w", ep, ErrMalformed)
			}
			h.epoch = int(ep)
			continue
		default:
			continue
		}
		if typ != rpmdb.RPM_STRING_TYPE {
			return nil, fmt.Errorf("tag %d has type %d, want string: %w", tag, typ, ErrMalformed)
		}
		strs[k].set, strs[k].off = true, off
	}
	for k, st := range strs {
		if !st.set {
			continue
		}
		if uint64(st.off) >= uint64(len(data)) {
			return nil, fmt.Errorf("string at offset %d past %d data bytes: %w", st.off, len(data), ErrMalformed)
		}
		s := data[st.off:]
		end := bytes.IndexByte(s, 0)
		if end < 0 {
			return nil, fmt.Errorf("unterminated string at offset %d: %w", st.off, ErrMalformed)
		}
		*dsts[k] = string(s[:end])
	}
	if h.sourceRPM == "(none)" {
		h.sourceRPM = ""
	}
	if h.name == "" || h.version == "" {
		return nil, fmt.Errorf("header without name or version: %w", ErrMalformed)
	}
	return h, nil
}
