package feed

import (
	"bufio"
	"errors"
	"fmt"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/enrich"
	"github.com/scanfleet/scanfleet/internal/feed/format"
)

// sendEnrichment hands one enrichment record on.
func (l *loader) sendEnrichment(e *advisory.Enrichment) error {
	if err := l.ctx.Err(); err != nil {
		return format.Stop{Err: err}
	}
	if err := l.enrich(e); err != nil {
		return format.Stop{Err: fmt.Errorf("enrichment %s: %w", e.ID, err)}
	}
	l.stats.Enrichment++
	return nil
}

// parseEnrichment reads one enrichment JSON document of kind k.
func (l *loader) parseEnrichment(name string, k enrich.Kind, data []byte) error {
	if l.enrich == nil {
		l.stats.Skipped++
		return nil
	}
	var err error
	switch k {
	case enrich.KindCVE5:
		var e *advisory.Enrichment
		e, err = enrich.ParseCVE5(data)
		if errors.Is(err, enrich.ErrRejected) {
			l.stats.Skipped++
			return nil
		}
		if err == nil {
			err = l.sendEnrichment(e)
		}
	case enrich.KindNVD:
		_, err = enrich.ParseNVD(data, l.sendEnrichment)
	case enrich.KindKEV:
		_, err = enrich.ParseKEV(data, l.sendEnrichment)
	case enrich.KindCVEDelta:
		// The CVE List's delta log lists changes, not records; counted
		// the same whatever it lists, so a build's counts do not change
		// with it (it changes with every commit of the List).
		l.stats.Skipped++
	}
	var st format.Stop
	if errors.As(err, &st) {
		return err
	}
	if err != nil {
		l.Malformed(name, "%s: %v", k, err)
	}
	return nil
}

// loadEPSS streams an EPSS CSV. A bad row makes the rest of the file
// malformed (rows already read stay: each is a complete score).
func (l *loader) loadEPSS(name string, br *bufio.Reader) error {
	if l.enrich == nil {
		l.stats.Skipped++
		return nil
	}
	_, err := enrich.ParseEPSS(br, l.sendEnrichment)
	var st format.Stop
	if errors.As(err, &st) {
		return err
	}
	if err != nil {
		l.Malformed(name, "%v", err)
	}
	return nil
}
