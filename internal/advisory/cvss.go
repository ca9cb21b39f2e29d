package advisory

import (
	"strings"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/scanfleet/scanfleet/internal/report"
)

// ScoreCVSS parses a CVSS v2, v3.0, v3.1 or v4.0 vector and computes its
// base score with github.com/pandatix/go-cvss. ok is false when the vector
// does not parse.
func ScoreCVSS(vector string) (c report.CVSS, ok bool) {
	vector = strings.TrimSpace(vector)
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	switch {
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		v, err := gocvss40.ParseVector(vector)
		if err != nil {
			return c, false
		}
		return report.CVSS{Version: "4.0", Vector: vector, Score: v.Score()}, true
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		v, err := gocvss31.ParseVector(vector)
		if err != nil {
			return c, false
		}
		return report.CVSS{Version: "3.1", Vector: vector, Score: v.BaseScore()}, true
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		v, err := gocvss30.ParseVector(vector)
		if err != nil {
			return c, false
		}
		return report.CVSS{Version: "3.0", Vector: vector, Score: v.BaseScore()}, true
	case strings.HasPrefix(strings.TrimPrefix(vector, "("), "AV:"):
		vector = strings.Trim(vector, "()")
		v, err := gocvss20.ParseVector(vector)
		if err != nil {
			return c, false
		}
		return report.CVSS{Version: "2.0", Vector: vector, Score: v.BaseScore()}, true
	}
	return c, false
}
