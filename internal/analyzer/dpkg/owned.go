package dpkg

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

const infoDir = "var/lib/dpkg/info/"

// isFileList reports whether p is the file list of an installed package.
func isFileList(p string) bool {
	name, ok := strings.CutPrefix(p, infoDir)
	return ok && len(name) > len(".list") && strings.HasSuffix(name, ".list") && !strings.Contains(name, "/")
}

// unownedPrefixes are folders whose files no language analyzer reads
// (documentation, manual pages, translations, time zones). Their entries
// are most of a Debian system's file lists (64% on a minbase bookworm), so
// leaving them out keeps the cached layer analysis and the ownership index
// small.
var unownedPrefixes = []string{
	"usr/share/doc/", "usr/share/man/", "usr/share/locale/", "usr/share/info/",
	"usr/share/lintian/", "usr/share/zoneinfo/", "usr/share/i18n/",
}

// analyzeFileList reads var/lib/dpkg/info/PACKAGE[:ARCH].list: one absolute
// path per line, folders included, as dpkg records what it unpacked.
func analyzeFileList(ctx context.Context, p string, content []byte) (*analyzer.Result, error) {
	pkg := strings.TrimSuffix(path.Base(p), ".list")
	pkg, _, _ = strings.Cut(pkg, ":") // "libc6:amd64" -> "libc6"
	if pkg == "" {
		return nil, fmt.Errorf("file list %s names no package", p)
	}
	if bytes.IndexByte(content, 0) >= 0 {
		return nil, fmt.Errorf("%w: file list holds a NUL byte", ErrMalformed)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// One string for the whole list: the paths below are substrings of it,
	// not one allocation each.
	all := string(content)
	paths := make([]string, 0, strings.Count(all, "\n")+1)
	for line := range strings.Lines(all) {
		line = strings.TrimRight(line, "\r\n")
		if !strings.HasPrefix(line, "/") {
			// Every line dpkg writes is absolute; anything else is not
			// a path this list can vouch for.
			continue
		}
		rel := strings.TrimPrefix(path.Clean(line), "/")
		if rel == "" || rel == "." || hasAnyPrefix(rel, unownedPrefixes) {
			continue
		}
		paths = append(paths, rel)
	}
	if len(paths) == 0 {
		return nil, nil
	}
	return &analyzer.Result{Owns: &analyzer.Ownership{
		Owner: report.TypeDeb + ":" + pkg,
		Paths: paths,
	}}, nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
