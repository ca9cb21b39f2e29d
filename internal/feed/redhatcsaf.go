package feed

import (
	"errors"

	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/ecosystem/redhat/csaf"
)

// Red Hat's CSAF documents (advisories and VEX) are read by package csaf,
// beside the Red Hat descriptor; the descriptors that declare its format
// (CentOS) say which products' fixes are theirs. This is the loader's
// hook: a JSON document no other reader claimed that looks like CSAF.

func (l *loader) loadRedHatCSAF(name string, data []byte) error {
	// The placement is a dozen map entries: built per document rather
	// than kept in package state.
	advs, err := csaf.Parse(data, csaf.PlaceFrom(all.Descriptors()))
	switch {
	case errors.Is(err, csaf.ErrNothingPlaced):
		l.stats.Skipped++
		return nil
	case err != nil:
		l.Malformed(name, "%v", err)
		return nil
	}
	for _, a := range advs {
		if err := l.Send(a); err != nil {
			return err
		}
	}
	return nil
}
