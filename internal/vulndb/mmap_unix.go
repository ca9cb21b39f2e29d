//go:build unix

package vulndb

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps size bytes of f read-only and shared: pages come from the
// page cache on first touch and are shared by every process scanning with
// the same file, so the database costs a process only what it reads.
func mapFile(f *os.File, size int) (*mapping, error) {
	b, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	// Lookups jump around the file: read-ahead would page in neighbours
	// no lookup asked for. Advice only; failure changes nothing.
	_ = unix.Madvise(b, unix.MADV_RANDOM)
	return &mapping{
		b:     b,
		unmap: func() error { return unix.Munmap(b) },
		// On a read-only shared file mapping MADV_DONTNEED only drops the
		// page table entries: the page cache keeps the pages and a later
		// read (by a concurrent lookup too) refaults them unchanged. It
		// is advice for memory accounting; failure changes nothing.
		drop: func(p []byte) { _ = unix.Madvise(p, unix.MADV_DONTNEED) },
	}, nil
}
