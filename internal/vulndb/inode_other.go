//go:build !unix

package vulndb

import "os"

// inode is not available here; size and modification time identify the
// file instead.
func inode(os.FileInfo) uint64 { return 0 }
