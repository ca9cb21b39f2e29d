package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/ecosystem/alpine/secdb"
	"github.com/scanfleet/scanfleet/internal/ecosystem/redhat/csaf"
	"github.com/scanfleet/scanfleet/internal/ecosystem/suse/cvrf"
	"github.com/scanfleet/scanfleet/internal/feed/osv"
)

// document is the union of the top-level fields of the JSON/YAML feed
// documents told apart by their fields, so that one decode tells the kind
// and carries the data: an OSV record (id, affected, ...), a secdb branch
// file (distroversion, packages) or a vuln-list secdb split file (name,
// secfixes, distroversion). The two field sets do not overlap.
type document struct {
	osv.Record     `yaml:",inline"`
	secdb.Document `yaml:",inline"`
}

func (l *loader) parseJSONDoc(name string, data []byte) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		// A JSON array of OSV records, as OSV's query API returns.
		var recs []json.RawMessage
		if err := json.Unmarshal(data, &recs); err != nil {
			l.Malformed(name, "bad JSON: %v", err)
			return nil
		}
		for i, raw := range recs {
			var d document
			rn := fmt.Sprintf("%s[%d]", name, i)
			if err := json.Unmarshal(raw, &d); err != nil {
				l.Malformed(rn, "bad JSON: %v", err)
				continue
			}
			if err := l.handleDoc(rn, &d); err != nil {
				return err
			}
		}
		return nil
	}
	var d document
	if err := json.Unmarshal(data, &d); err != nil {
		l.Malformed(name, "bad JSON: %v", err)
		return nil
	}
	if !d.IsRecord() && !d.IsDocument() && cvrf.IsJSON(data) {
		return l.loadSUSECVRFJSON(name, data)
	}
	if !d.IsRecord() && !d.IsDocument() && csaf.IsJSON(data) {
		return l.loadRedHatCSAF(name, data)
	}
	return l.handleDoc(name, &d)
}

func (l *loader) parseYAMLDoc(name string, data []byte) (err error) {
	var d document
	// yaml.v3 has panicked on hostile input in the past; a record must not
	// take the load down.
	defer func() {
		if r := recover(); r != nil {
			l.Malformed(name, "bad YAML: parser panic: %v", r)
			err = nil
		}
	}()
	if err := yaml.Unmarshal(data, &d); err != nil {
		l.Malformed(name, "bad YAML: %v", err)
		return nil
	}
	return l.handleDoc(name, &d)
}

func (l *loader) handleDoc(name string, d *document) error {
	switch {
	case d.IsRecord():
		return l.handleOSV(name, &d.Record)
	case d.IsDocument():
		return secdb.Read(name, &d.Document, l)
	}
	l.Malformed(name, "not an OSV record or Alpine secdb document")
	return nil
}

func (l *loader) handleOSV(name string, d *osv.Record) error {
	l.member.ID, l.member.Modified = d.ID, d.Modified
	if d.Withdrawn != "" {
		l.stats.Withdrawn++
		return nil
	}
	a, err := d.Advisory()
	switch {
	case errors.Is(err, osv.ErrNothingMatchable):
		l.stats.Skipped++
		return nil
	case err != nil:
		l.Malformed(name, "%s: %v", d.ID, err)
		return nil
	}
	return l.Send(a)
}
