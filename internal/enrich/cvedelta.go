package enrich

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// The CVE List repository (CVEProject/cvelistV5) writes, with every
// commit of its records, cves/delta.json (the changes of that fetch) and
// cves/deltaLog.json (the fetches of the last days, newest first). Each
// fetch is {"fetchTime", "numberOfChanges", "new": [...], "updated":
// [...], "error": [...]}, each change {"cveId", "cveOrgLink",
// "githubLink", "dateUpdated"} (the CVE Project's Delta and
// DeltaOutpuItem classes). They are how an update learns which records
// changed since the archive it read (the database build's cvelist.go);
// inside the archive they are not records, and reading them as such
// would make a build's counts depend on how many fetches they list.

// CVEDelta is one fetch of the CVE List's delta log.
type CVEDelta struct {
	FetchTime time.Time
	// CVEs lists the records the fetch added or changed (its new,
	// updated and error lists: an error entry names a record whose
	// processing went wrong, so it is read again too).
	CVEs []string
}

type deltaItem struct {
	CVEID string `json:"cveId"`
}

type deltaDoc struct {
	FetchTime       string      `json:"fetchTime"`
	NumberOfChanges *int        `json:"numberOfChanges"`
	New             []deltaItem `json:"new"`
	Updated         []deltaItem `json:"updated"`
	Error           []deltaItem `json:"error"`
	Unknown         []deltaItem `json:"unknown"`
}

// ErrCVEDeltaLog is wrapped by ParseCVEDeltaLog's errors.
var ErrCVEDeltaLog = errors.New("malformed CVE List delta log")

// ParseCVEDeltaLog reads cves/deltaLog.json (an array of fetches) or
// cves/delta.json (one fetch). Anything it cannot read whole is an
// error: a log read in part would make an update miss records.
func ParseCVEDeltaLog(data []byte) ([]CVEDelta, error) {
	var docs []deltaDoc
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	var err error
	if len(t) > 0 && t[0] == '{' {
		docs = make([]deltaDoc, 1)
		err = json.Unmarshal(t, &docs[0])
	} else {
		err = json.Unmarshal(t, &docs)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCVEDeltaLog, err)
	}
	out := make([]CVEDelta, 0, len(docs))
	for i, d := range docs {
		ft, err := time.Parse(time.RFC3339Nano, d.FetchTime)
		if err != nil || d.NumberOfChanges == nil {
			return nil, fmt.Errorf("%w: fetch %d: no fetchTime or numberOfChanges (fetchTime %.40q)", ErrCVEDeltaLog, i, d.FetchTime)
		}
		c := CVEDelta{FetchTime: ft.UTC()}
		for _, list := range [][]deltaItem{d.New, d.Updated, d.Error, d.Unknown} {
			for _, it := range list {
				if !advisory.IsCVE(it.CVEID) {
					return nil, fmt.Errorf("%w: fetch %d (%s): cveId %.40q is not a CVE id", ErrCVEDeltaLog, i, d.FetchTime, it.CVEID)
				}
				c.CVEs = append(c.CVEs, it.CVEID)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// isCVEDelta tells a delta log (or one delta) by its keys.
func isCVEDelta(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) > 0 && t[0] == '[' {
		var first []json.RawMessage
		if json.Unmarshal(t, &first) != nil || len(first) == 0 {
			return false
		}
		t = first[0]
	}
	var probe struct {
		FetchTime       present `json:"fetchTime"`
		NumberOfChanges present `json:"numberOfChanges"`
	}
	return json.Unmarshal(t, &probe) == nil && bool(probe.FetchTime && probe.NumberOfChanges)
}
