//go:build !unix

package vulndb

import (
	"io"
	"os"
)

// mapFile reads the file: platforms without mmap pay its whole size in
// memory, as schema 1 did everywhere.
func mapFile(f *os.File, size int) (*mapping, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, int64(size)), b); err != nil {
		return nil, err
	}
	return &mapping{b: b, unmap: func() error { return nil }}, nil
}
