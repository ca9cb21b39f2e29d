package feed

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"strings"

	kflate "github.com/klauspost/compress/flate"
)

// archive/zip reads a zip's whole central directory into a []*zip.File
// (about 280 bytes per member) before the first member can be opened: for
// OSV's npm all.zip and the CVE List archive (200,000 and 300,000 members)
// that was over 100 MB held for the whole load, and the garbage collector
// scanned it at every cycle. walkZip reads the central directory as a
// stream instead and opens each member as its entry goes past, so memory
// does not depend on the number of members.

const (
	zipLocalSig   = 0x04034b50
	zipCentralSig = 0x02014b50
	zipEndSig     = 0x06054b50
	zip64EndSig   = 0x06064b50
	zip64LocSig   = 0x07064b50
	zipEndLen     = 22
	zipMaxComment = 65535
)

var errZipFormat = errors.New("zip: not a valid zip file")

// zipEntry is one member, as the central directory describes it.
type zipEntry struct {
	name         string
	method       uint16
	crc          uint32
	compSize     uint64
	size         uint64
	headerOffset uint64
}

// zipDirectory finds the central directory: its offset, size and entry
// count, from the end record (or the zip64 end record).
func zipDirectory(ra io.ReaderAt, size int64) (off, n, count uint64, err error) {
	tail := int64(zipEndLen + zipMaxComment)
	if tail > size {
		tail = size
	}
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil && !errors.Is(err, io.EOF) {
		return 0, 0, 0, err
	}
	p := -1
	for i := len(buf) - zipEndLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(buf[i:]) == zipEndSig {
			p = i
			break
		}
	}
	if p < 0 {
		return 0, 0, 0, errZipFormat
	}
	e := buf[p:]
	count = uint64(binary.LittleEndian.Uint16(e[10:]))
	n = uint64(binary.LittleEndian.Uint32(e[12:]))
	off = uint64(binary.LittleEndian.Uint32(e[16:]))
	endAt := size - tail + int64(p)
	if count == 0xffff || n == 0xffffffff || off == 0xffffffff {
		// zip64: the locator sits just before the end record.
		if endAt < 20 {
			return 0, 0, 0, errZipFormat
		}
		loc := make([]byte, 20)
		if _, err := ra.ReadAt(loc, endAt-20); err != nil {
			return 0, 0, 0, err
		}
		if binary.LittleEndian.Uint32(loc) != zip64LocSig {
			return 0, 0, 0, errZipFormat
		}
		recOff := binary.LittleEndian.Uint64(loc[8:])
		rec := make([]byte, 56)
		if recOff > uint64(size) {
			return 0, 0, 0, errZipFormat
		}
		if _, err := ra.ReadAt(rec, int64(recOff)); err != nil {
			return 0, 0, 0, err
		}
		if binary.LittleEndian.Uint32(rec) != zip64EndSig {
			return 0, 0, 0, errZipFormat
		}
		count = binary.LittleEndian.Uint64(rec[32:])
		n = binary.LittleEndian.Uint64(rec[40:])
		off = binary.LittleEndian.Uint64(rec[48:])
	}
	if off > uint64(size) || n > uint64(size)-off {
		return 0, 0, 0, errZipFormat
	}
	return off, n, count, nil
}

// zipWalker yields a zip's members one by one.
type zipWalker struct {
	ra    io.ReaderAt
	size  int64
	dir   *bufio.Reader
	left  uint64
	fixed [46]byte
	local [30]byte
	flate io.ReadCloser
}

func newZipWalker(ra io.ReaderAt, size int64) (*zipWalker, error) {
	off, n, count, err := zipDirectory(ra, size)
	if err != nil {
		return nil, err
	}
	return &zipWalker{ra: ra, size: size, left: count,
		dir: bufio.NewReaderSize(io.NewSectionReader(ra, int64(off), int64(n)), 64<<10)}, nil
}

// next returns the next member's entry; io.EOF after the last. An error
// other than io.EOF means the directory itself is broken.
func (w *zipWalker) next() (zipEntry, error) {
	if w.left == 0 {
		return zipEntry{}, io.EOF
	}
	w.left--
	h := w.fixed[:]
	if _, err := io.ReadFull(w.dir, h); err != nil {
		return zipEntry{}, fmt.Errorf("zip: reading central directory: %w", noEOF(err))
	}
	if binary.LittleEndian.Uint32(h) != zipCentralSig {
		return zipEntry{}, errZipFormat
	}
	e := zipEntry{
		method:       binary.LittleEndian.Uint16(h[10:]),
		crc:          binary.LittleEndian.Uint32(h[16:]),
		compSize:     uint64(binary.LittleEndian.Uint32(h[20:])),
		size:         uint64(binary.LittleEndian.Uint32(h[24:])),
		headerOffset: uint64(binary.LittleEndian.Uint32(h[42:])),
	}
	nameLen, extraLen, commentLen := int(binary.LittleEndian.Uint16(h[28:])), int(binary.LittleEndian.Uint16(h[30:])), int(binary.LittleEndian.Uint16(h[32:]))
	rest := make([]byte, nameLen+extraLen+commentLen)
	if _, err := io.ReadFull(w.dir, rest); err != nil {
		return zipEntry{}, fmt.Errorf("zip: reading central directory: %w", noEOF(err))
	}
	e.name = string(rest[:nameLen])
	// zip64 extra field: the 8-byte values replacing those set to
	// 0xffffffff, in this order.
	extra := rest[nameLen : nameLen+extraLen]
	for len(extra) >= 4 {
		tag, sz := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+sz > len(extra) {
			break
		}
		if tag == 0x0001 {
			f := extra[4 : 4+sz]
			for _, v := range []*uint64{&e.size, &e.compSize, &e.headerOffset} {
				if *v == 0xffffffff && len(f) >= 8 {
					*v = binary.LittleEndian.Uint64(f)
					f = f[8:]
				}
			}
		}
		extra = extra[4+sz:]
	}
	return e, nil
}

// open returns a reader of e's content that fails at the end when the
// content does not match the entry's size and CRC-32.
func (w *zipWalker) open(e zipEntry) (io.Reader, error) {
	if e.headerOffset > uint64(w.size) {
		return nil, errZipFormat
	}
	l := w.local[:]
	if _, err := w.ra.ReadAt(l, int64(e.headerOffset)); err != nil {
		return nil, fmt.Errorf("zip: reading local header: %w", noEOF(err))
	}
	if binary.LittleEndian.Uint32(l) != zipLocalSig {
		return nil, errZipFormat
	}
	data := e.headerOffset + 30 + uint64(binary.LittleEndian.Uint16(l[26:])) + uint64(binary.LittleEndian.Uint16(l[28:]))
	if data > uint64(w.size) || e.compSize > uint64(w.size)-data {
		return nil, errZipFormat
	}
	raw := io.NewSectionReader(w.ra, int64(data), int64(e.compSize))
	var r io.Reader
	switch e.method {
	case 0: // stored
		r = raw
	case 8: // deflate; one decompressor reused for every member
		if w.flate == nil {
			w.flate = kflate.NewReader(raw)
		} else if err := w.flate.(kflate.Resetter).Reset(raw, nil); err != nil {
			return nil, err
		}
		r = w.flate
	default:
		return nil, fmt.Errorf("zip: unsupported compression method %d", e.method)
	}
	return &zipChecked{r: io.LimitReader(r, int64(e.size)+1), want: e.size, crc: e.crc, h: crc32.NewIEEE()}, nil
}

// zipChecked checks a member's size and CRC-32 when it is read to the end.
type zipChecked struct {
	r    io.Reader
	want uint64
	n    uint64
	crc  uint32
	h    hash.Hash32
}

func (z *zipChecked) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.h.Write(p[:n])
	z.n += uint64(n)
	if z.n > z.want {
		return n, errors.New("zip: member larger than its directory entry says")
	}
	if errors.Is(err, io.EOF) {
		if z.n != z.want {
			return n, io.ErrUnexpectedEOF
		}
		if z.h.Sum32() != z.crc {
			return n, errors.New("zip: checksum error")
		}
	}
	return n, err
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// isZipDir reports whether a member name is a directory.
func isZipDir(name string) bool { return strings.HasSuffix(name, "/") }
