//go:build unix

package vulndb

import (
	"os"
	"syscall"
)

// inode returns the file's inode number, which a rename into place always
// changes.
func inode(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino) //nolint:unconvert // Ino is uint32 on some platforms
	}
	return 0
}
