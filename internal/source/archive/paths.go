package archive

import "os"

// fileExists reports whether p names an existing non-directory file.
func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// splitPathRef splits "PATH[:SUFFIX]" where PATH itself may contain colons:
// the whole string wins when it names an existing path, else the longest
// existing prefix ending before a colon.
func splitPathRef(s string, exists func(string) bool) (path, suffix string) {
	if exists(s) {
		return s, ""
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == ':' && exists(s[:i]) {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}
