// Package osrelease detects the distribution of an image from os-release(5)
// and, for images that lack it, from the older distribution release files
// (etc/alpine-release, etc/debian_version, etc/redhat-release and its
// CentOS/Rocky/AlmaLinux siblings).
//
// Several of these files usually coexist in one image; each yields an OS on
// its own, and the image-level merger picks the most trustworthy one with
// Priority.
package osrelease

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// maxSize bounds every file this analyzer reads: real ones are a few
// hundred bytes; anything near this is not a release file.
const maxSize = 64 << 10

// Priorities returned by Priority; lower is better.
const (
	prioEtcOSRelease    = 0
	prioUsrLibOSRelease = 1
	prioSpecificRelease = 2 // alpine-release, centos/rocky/almalinux-release
	prioRedHatRelease   = 3 // redhat-release: a symlink target or a clone's copy
	prioDebianVersion   = 4 // also present on Ubuntu and other derivatives
	prioUnknown         = 100
)

// priorities maps every wanted path to its rank.
var priorities = map[string]int{
	"etc/os-release":        prioEtcOSRelease,
	"usr/lib/os-release":    prioUsrLibOSRelease,
	"etc/alpine-release":    prioSpecificRelease,
	"etc/centos-release":    prioSpecificRelease,
	"etc/rocky-release":     prioSpecificRelease,
	"etc/almalinux-release": prioSpecificRelease,
	"etc/redhat-release":    prioRedHatRelease,
	"etc/debian_version":    prioDebianVersion,
}

// Priority ranks the file an OS was read from; lower is better, so the
// merger keeps the OS whose path has the smallest Priority. The order is:
//
//	0 etc/os-release      (the administrator's file, authoritative per os-release(5))
//	1 usr/lib/os-release  (the vendor's fallback)
//	2 etc/alpine-release, etc/centos-release, etc/rocky-release, etc/almalinux-release
//	3 etc/redhat-release  (shared by every RHEL clone, so less specific)
//	4 etc/debian_version  (also shipped, with a Debian codename, by Ubuntu)
//
// Any other path ranks 100, after all of them.
func Priority(path string) int {
	if p, ok := priorities[path]; ok {
		return p
	}
	return prioUnknown
}

type osAnalyzer struct{}

// New returns the OS detection analyzer.
func New() analyzer.Analyzer { return osAnalyzer{} }

func (osAnalyzer) Name() string { return "osrelease" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (osAnalyzer) Version() string { return "1" }

func (osAnalyzer) Wants(path string, _ fs.FileMode, _ int64) bool {
	_, ok := priorities[path]
	return ok
}

func (osAnalyzer) MaxSize() int64 { return maxSize }

// ErrNoOS is returned when a file holds no recognisable distribution.
var ErrNoOS = errors.New("no distribution identified")

func (osAnalyzer) Analyze(_ context.Context, path string, content []byte) (*analyzer.Result, error) {
	var (
		os  *report.OS
		err error
	)
	switch path {
	case "etc/os-release", "usr/lib/os-release":
		os, err = ParseOSRelease(content)
	case "etc/alpine-release":
		os, err = parseAlpineRelease(content)
	case "etc/debian_version":
		os, err = parseDebianVersion(content)
	case "etc/redhat-release", "etc/centos-release", "etc/rocky-release", "etc/almalinux-release":
		os, err = parseRedHatRelease(content)
	default:
		return nil, fmt.Errorf("osrelease: unexpected path %q", path)
	}
	if err != nil {
		return nil, err
	}
	return &analyzer.Result{OS: os}, nil
}

// ParseOSRelease parses os-release(5) content. Hand-written because the
// format is tiny and no dependency we carry parses it; it follows the spec:
// one KEY=VALUE per line, '#' comments, values optionally single- or
// double-quoted, shell-style backslash escapes. Unknown keys are ignored and
// malformed lines are skipped (as systemd does), so only a file without ID
// is an error.
func ParseOSRelease(content []byte) (*report.OS, error) {
	vars := make(map[string]string)
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 4096), maxSize+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok || !validKey(key) {
			continue
		}
		v, ok := unquote(val)
		if !ok {
			continue
		}
		vars[key] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading os-release: %w", err)
	}
	id := strings.ToLower(vars["ID"])
	if id == "" {
		return nil, fmt.Errorf("os-release has no ID: %w", ErrNoOS)
	}
	os := &report.OS{
		ID:              id,
		VersionID:       vars["VERSION_ID"],
		VersionCodename: vars["VERSION_CODENAME"],
		PrettyName:      vars["PRETTY_NAME"],
	}
	if os.VersionCodename == "" {
		// Older Ubuntu and Debian releases only name the codename here.
		os.VersionCodename = vars["UBUNTU_CODENAME"]
	}
	if like := strings.Fields(vars["ID_LIKE"]); len(like) > 0 {
		os.IDLike = like
	}
	return os, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// unquote applies shell quoting rules to one value: quoted and unquoted
// pieces concatenate, single quotes are literal, and inside double quotes a
// backslash escapes only $ ` " \ (elsewhere it stays, as in sh). It reports
// false for an unterminated quote.
func unquote(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return "", false
			}
			b.WriteString(s[i+1 : i+1+end])
			i += end + 1
		case '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0 {
					i++
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return "", false
			}
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// firstLine returns the first non-empty line, trimmed.
func firstLine(content []byte) string {
	for _, l := range strings.Split(string(content), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

var alpineVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?(_[a-z]+[0-9]*)?$`)

// parseAlpineRelease reads etc/alpine-release, e.g. "3.20.3" (or
// "3.21.0_alpha20240807" on edge).
func parseAlpineRelease(content []byte) (*report.OS, error) {
	v := firstLine(content)
	if !alpineVersion.MatchString(v) {
		return nil, fmt.Errorf("alpine-release %q is not a version: %w", truncate(v), ErrNoOS)
	}
	return &report.OS{ID: "alpine", VersionID: v}, nil
}

var debianNumeric = regexp.MustCompile(`^([0-9]+)(\.[0-9]+)*$`)

// parseDebianVersion reads etc/debian_version: a point release ("12.7") on
// stable, a codename ("bookworm/sid", "trixie/sid") on testing, unstable and
// derivatives. VersionID keeps the file's value for point releases, which is
// more precise than os-release's major-only VERSION_ID.
func parseDebianVersion(content []byte) (*report.OS, error) {
	v := firstLine(content)
	switch {
	case v == "":
		return nil, fmt.Errorf("empty debian_version: %w", ErrNoOS)
	case debianNumeric.MatchString(v):
		return &report.OS{ID: "debian", VersionID: v}, nil
	}
	name, _, _ := strings.Cut(v, "/")
	if !isWord(name) {
		return nil, fmt.Errorf("debian_version %q is neither a version nor a codename: %w", truncate(v), ErrNoOS)
	}
	return &report.OS{ID: "debian", VersionCodename: name}, nil
}

func isWord(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// redhatRelease matches "<Name> release <version> (<codename>)"; Rocky,
// Alma, CentOS and RHEL all follow it, CentOS 7 adds "Linux" to the name.
var redhatRelease = regexp.MustCompile(`^(.+?)\s+release\s+([0-9][0-9.]*)\S*(?:\s+\(([^)]*)\))?`)

// redhatIDs maps the distribution name of a *-release file to its
// os-release ID, longest prefix first.
var redhatIDs = []struct{ prefix, id string }{
	{"red hat enterprise linux", "rhel"},
	{"centos stream", "centos"},
	{"centos", "centos"},
	{"rocky linux", "rocky"},
	{"almalinux", "almalinux"},
	{"oracle linux", "ol"},
	{"fedora", "fedora"},
	{"amazon linux", "amzn"},
	{"scientific linux", "scientific"},
}

// parseRedHatRelease reads etc/redhat-release and its siblings, e.g.
// "AlmaLinux release 9.4 (Seafoam Ocelot)".
func parseRedHatRelease(content []byte) (*report.OS, error) {
	line := firstLine(content)
	m := redhatRelease.FindStringSubmatch(line)
	if m == nil {
		return nil, fmt.Errorf("release file %q not understood: %w", truncate(line), ErrNoOS)
	}
	name := strings.ToLower(m[1])
	id := ""
	for _, r := range redhatIDs {
		if strings.HasPrefix(name, r.prefix) {
			id = r.id
			break
		}
	}
	if id == "" {
		return nil, fmt.Errorf("unknown distribution %q: %w", truncate(m[1]), ErrNoOS)
	}
	return &report.OS{
		ID:              id,
		VersionID:       strings.TrimSuffix(m[2], "."),
		VersionCodename: m[3],
		PrettyName:      line,
	}, nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
