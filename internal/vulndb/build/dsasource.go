package build

// IsDSASource reports whether Build reads src as Debian's DSA/DLA lists
// (a data/DSA/list or data/DLA/list file, or a directory holding them).
// Those lists add nothing of their own: they name the advisories that
// fixed CVEs, and are attached to the Debian records of other sources.
// Build reads them before every other source.
func IsDSASource(src string) bool { return len(dsaListFiles(src)) > 0 }
