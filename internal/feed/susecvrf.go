package feed

import (
	"encoding/xml"
	"errors"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/suse/cvrf"
	"github.com/scanfleet/scanfleet/internal/feed/format"
)

// SUSE CVRF documents (SUSE's XML, root <cvrfdoc>, and vuln-list's JSON
// copies) are read by package cvrf, beside the SUSE descriptor; these are
// the loader's two hooks. A document that fixes nothing an image can hold
// (an image product's advisory) is skipped, not malformed.

// loadSUSECVRFJSON handles a JSON document that no other reader claimed
// and that looks like vuln-list's SUSE CVRF.
func (l *loader) loadSUSECVRFJSON(name string, data []byte) error {
	return l.sendSUSECVRF(name, func() (*advisory.Advisory, error) { return cvrf.ParseJSON(data) })
}

// loadSUSECVRFXML handles an XML document whose root is <cvrfdoc>.
func (l *loader) loadSUSECVRFXML(name string, s *format.XMLStream, se xml.StartElement) error {
	// The whole document is one advisory, bounded as a JSON one is.
	dec := s.Allow("<cvrfdoc>", format.MaxXMLDocRecord)
	return l.sendSUSECVRF(name, func() (*advisory.Advisory, error) { return cvrf.DecodeXML(dec, se) })
}

func (l *loader) sendSUSECVRF(name string, parse func() (*advisory.Advisory, error)) error {
	a, err := parse()
	switch {
	case errors.Is(err, cvrf.ErrNothingFixed):
		l.stats.Skipped++
		return nil
	case err != nil:
		l.Malformed(name, "%v", err)
		return nil
	}
	return l.Send(a)
}
