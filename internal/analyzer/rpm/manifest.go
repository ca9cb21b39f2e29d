package rpm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// manifestPath is where Azure Linux / CBL-Mariner distroless images list
// their packages instead of keeping an rpm database.
const manifestPath = "var/lib/rpmmanifest/container-manifest-2"

// manifestPackages reads container-manifest-2: one package a line, tab
// separated, as `rpm -qa --qf` writes it at image build time:
//
//	name  version-release  installtime  buildtime  vendor  epoch|(none)  size  arch  epochnum  sourcerpm
//
// A short or unreadable line is counted in the error and skipped, like an
// unreadable header in a database.
func manifestPackages(content []byte, p string) ([]report.Package, error) {
	var (
		pkgs  []report.Package
		bad   int
		first error
	)
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		var err error
		if len(f) < 10 {
			err = fmt.Errorf("line %d: %d fields, want 10", n, len(f))
		} else if f[0] == "" || f[1] == "" {
			err = fmt.Errorf("line %d: no name or version", n)
		}
		h := header{}
		if err == nil {
			h.name, h.arch, h.sourceRPM = f[0], f[7], f[9]
			h.version, h.release, _ = strings.Cut(f[1], "-")
			if e := f[5]; e != "(none)" && e != "" {
				if h.epoch, err = strconv.Atoi(e); err != nil || h.epoch < 0 {
					err = fmt.Errorf("line %d: bad epoch %q", n, e)
				}
			}
		}
		if err != nil {
			if bad == 0 {
				first = err
			}
			bad++
			continue
		}
		pkgs = append(pkgs, h.toPackage(p))
	}
	if err := sc.Err(); err != nil {
		return pkgs, fmt.Errorf("%w: %s: %v", ErrMalformed, p, err)
	}
	if bad > 0 {
		return pkgs, errors.Join(ErrMalformed, fmt.Errorf("%s: %d unreadable lines, the first: %w", p, bad, first))
	}
	return pkgs, nil
}
