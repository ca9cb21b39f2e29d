package consoleview

// What every image listing adds to the images table's columns: the
// report's coverage (a count of zero findings means nothing when the
// database had no data for the image's OS release or ecosystems), every
// tag a digest is known under, and digests named by a unique prefix, as
// `scanfleet images` prints them.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

var coverageStates = []string{api.CoverageCovered, api.CoverageNotCovered, api.CoverageUnknown}

// coverageOf summarises a report's coverage records for an image with
// packages packages; notCovered lists the ecosystems without data.
func coverageOf(cov []report.Coverage, packages int) (state string, notCovered []string) {
	for _, c := range cov {
		if !c.Covered {
			notCovered = append(notCovered, c.Ecosystem)
		}
	}
	switch {
	case len(notCovered) > 0:
		return api.CoverageNotCovered, notCovered
	case len(cov) == 0 && packages > 0:
		return api.CoverageUnknown, nil
	}
	return api.CoverageCovered, nil
}

// checkCoverageFilter validates a ?coverage= value ("" selects all).
func CheckCoverageFilter(v string) error {
	if v != "" && !slices.Contains(coverageStates, v) {
		return web.Errorf(http.StatusBadRequest, "unknown coverage %q (want one of %s)", v, strings.Join(coverageStates, ", "))
	}
	return nil
}

// resolveDigest turns a digest or a unique prefix of one ("sha256:0123abcd",
// or the hex alone) into the full digest of a stored image. No match is a
// 404, several a 409 naming them.
func (cs *State) ResolveDigest(ctx context.Context, arg string) (string, error) {
	const minHex = 4
	p := strings.ToLower(strings.TrimSpace(arg))
	if !strings.Contains(p, ":") {
		p = "sha256:" + p
	}
	algo, hex, _ := strings.Cut(p, ":")
	if algo == "" || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", web.Errorf(http.StatusBadRequest, "%q is not a digest or digest prefix (sha256:<hex>, or at least %d hex digits)", arg, minHex)
	}
	if len(hex) < minHex {
		return "", web.Errorf(http.StatusBadRequest, "digest prefix %q is too short: give at least %d hex digits", arg, minHex)
	}
	found, err := cs.store.DigestsWithPrefix(ctx, p, 6)
	if err != nil {
		return "", fmt.Errorf("looking up digest %s: %w", arg, err)
	}
	switch {
	case len(found) == 0:
		return "", web.Errorf(http.StatusNotFound, "image %q not scanned", arg)
	case len(found) == 1 || found[0] == p:
		return found[0], nil
	}
	more := ""
	if len(found) > 5 {
		found, more = found[:5], ", …"
	}
	return "", web.Errorf(http.StatusConflict, "digest prefix %q is ambiguous: it matches %s%s; give more digits", arg, strings.Join(found, ", "), more)
}

// annotate adds coverage and tags to images (from the console's report
// digests and image_tags) and keeps those whose coverage is coverage
// ("" keeps all).
func (cs *State) Annotate(ctx context.Context, ims []store.ImageSummary, coverage string) ([]store.ImageSummary, error) {
	rows, err := cs.loadRows(ctx)
	if err != nil {
		return nil, err
	}
	stats, err := cs.statsFor(ctx, rows, false)
	if err != nil {
		return nil, err
	}
	tags, err := cs.store.ImageTags(ctx)
	if err != nil {
		return nil, err
	}
	out := ims[:0]
	for _, im := range ims {
		k := im.Key()
		im.Coverage, im.NotCovered = api.CoverageUnknown, nil
		if st := stats[k]; st != nil {
			im.Coverage, im.NotCovered = st.coverageState(im.Packages)
		}
		im.Tags = tags[k]
		if coverage == "" || im.Coverage == coverage {
			out = append(out, im)
		}
	}
	return out, nil
}
