package admission

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Finding is what the rules need of one vulnerability finding.
type Finding struct {
	ID       string          `json:"id"`
	Aliases  []string        `json:"aliases,omitempty"`
	Severity report.Severity `json:"severity"`
	Fixed    bool            `json:"fixed"`
	// CVSS is the highest CVSS base score given, 0 if none.
	CVSS float64 `json:"cvss,omitempty"`
	// KEV is set when the finding is in CISA's Known Exploited
	// Vulnerabilities catalog; EPSS is its exploit probability (0 when
	// unknown).
	KEV  bool    `json:"kev,omitempty"`
	EPSS float64 `json:"epss,omitempty"`
}

// Result is the stored scan result of an image.
type Result struct {
	Digest    string    `json:"digest"`
	ScannedAt time.Time `json:"scanned_at"`
	Findings  []Finding `json:"-"`
	// NotCovered lists the ecosystems of the image the database had no
	// data for.
	NotCovered []string `json:"not_covered,omitempty"`
}

// FindingsFromReport reduces a report's findings (not the VEX-suppressed
// ones) to what rules look at.
func FindingsFromReport(rep *report.Report) []Finding {
	out := make([]Finding, 0, len(rep.Vulnerabilities))
	for _, v := range rep.Vulnerabilities {
		f := Finding{ID: v.ID, Aliases: v.Aliases, Severity: report.ParseSeverity(string(v.Severity)), Fixed: v.FixedVersion != ""}
		for _, c := range v.CVSS {
			f.CVSS = max(f.CVSS, c.Score)
		}
		f.KEV = v.KEV != nil
		if v.EPSS != nil {
			f.EPSS = v.EPSS.Score
		}
		out = append(out, f)
	}
	return out
}

// NotCoveredFromReport lists the ecosystems a report says the database
// had no data for.
func NotCoveredFromReport(rep *report.Report) []string {
	var out []string
	for _, c := range rep.Coverage {
		if !c.Covered {
			out = append(out, c.Ecosystem)
		}
	}
	return out
}

// Subject is one container image to judge, with where it is deployed.
type Subject struct {
	// Image is the reference as the workload writes it; Ref its parse.
	Image     string
	Ref       Ref
	Namespace string
	Labels    map[string]string
	// Result is nil when the controller has no result for the image.
	Result *Result
}

// Verdict is the outcome for one image.
type Verdict struct {
	Action Action `json:"action"`
	// Rule is the rule that decided; empty when none matched.
	Rule string `json:"rule,omitempty"`
	// Mode is the effective mode of a deny verdict.
	Mode Mode `json:"mode,omitempty"`
	// Reason says why, for people: the criteria that held, or that no
	// rule matched.
	Reason string `json:"reason"`
}

// Refuses reports whether the verdict refuses admission: a deny under
// protect. A deny under monitor is only recorded.
func (v Verdict) Refuses() bool { return v.Action == Deny && v.Mode == Protect }

// Evaluate judges one image at time now: allow rules first, then deny
// rules, each in order; the first that matches decides. p must have been
// validated.
func (p *Policy) Evaluate(now time.Time, s Subject) Verdict {
	for _, pass := range []Action{Allow, Deny} {
		for i := range p.Rules {
			r := &p.Rules[i]
			if r.Disabled || r.Action != pass {
				continue
			}
			ok, why := r.Criteria.match(now, s)
			if !ok {
				continue
			}
			v := Verdict{Action: r.Action, Rule: r.Name, Reason: strings.Join(why, "; ")}
			if r.Action == Deny {
				v.Mode = p.Mode
				if r.Mode != "" {
					v.Mode = r.Mode
				}
			}
			return v
		}
	}
	if s.Result == nil {
		v := Verdict{Action: p.NoResult, Reason: "no scan result for the image and no rule matched; no-result action " + string(p.NoResult)}
		if v.Action == Deny {
			v.Mode = p.Mode
		}
		return v
	}
	return Verdict{Action: Allow, Reason: "no rule matched"}
}

// match reports whether every set criterion holds and, if so, what held.
func (c *Criteria) match(now time.Time, s Subject) (bool, []string) {
	var why []string
	if len(c.Registries) > 0 {
		if !anyGlob(c.Registries, s.Ref.Registry) {
			return false, nil
		}
		why = append(why, "registry "+s.Ref.Registry)
	}
	if len(c.Repositories) > 0 {
		if !anyGlob(c.Repositories, s.Ref.Repository) {
			return false, nil
		}
		why = append(why, "repository "+s.Ref.Repository)
	}
	if len(c.Images) > 0 {
		if !anyGlob(c.Images, s.Ref.String()) && !anyGlob(c.Images, s.Image) {
			return false, nil
		}
		why = append(why, "image "+s.Ref.String())
	}
	if len(c.Namespaces) > 0 {
		if !anyGlob(c.Namespaces, s.Namespace) {
			return false, nil
		}
		why = append(why, "namespace "+s.Namespace)
	}
	if len(c.Labels) > 0 {
		keys := make([]string, 0, len(c.Labels))
		for k := range c.Labels {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			v, ok := s.Labels[k]
			if !ok || !glob(c.Labels[k], v) {
				return false, nil
			}
			why = append(why, "label "+k+"="+v)
		}
	}
	if c.NotScanned {
		if s.Result != nil {
			return false, nil
		}
		why = append(why, "not scanned")
	}
	if !c.needsResult() {
		return true, why
	}
	if s.Result == nil {
		return false, nil
	}
	if c.NotCovered {
		if len(s.Result.NotCovered) == 0 {
			return false, nil
		}
		why = append(why, "no vulnerability data for "+strings.Join(s.Result.NotCovered, ", "))
	}
	if c.ScannedOlderThan > 0 {
		age := now.Sub(s.Result.ScannedAt)
		if age <= time.Duration(c.ScannedOlderThan) {
			return false, nil
		}
		why = append(why, fmt.Sprintf("scanned %s ago, more than %s", age.Truncate(time.Minute), c.ScannedOlderThan))
	}
	fix := ""
	switch c.Fix {
	case FixWith:
		fix = " with a fix"
	case FixWithout:
		fix = " without a fix"
	}
	considered := func(f Finding) bool {
		return c.Fix == FixAny || (c.Fix == FixWith) == f.Fixed
	}
	if c.Severity != "" {
		minCount := max(c.MinCount, 1)
		n := 0
		for _, f := range s.Result.Findings {
			if considered(f) && f.Severity.AtLeast(c.Severity) {
				n++
			}
		}
		if n < minCount {
			return false, nil
		}
		why = append(why, fmt.Sprintf("%d findings%s at or above %s (limit %d)", n, fix, c.Severity, minCount-1))
	}
	if c.CVSSAtLeast > 0 {
		top := 0.0
		var topID string
		for _, f := range s.Result.Findings {
			if considered(f) && f.CVSS > top {
				top, topID = f.CVSS, f.ID
			}
		}
		if top < c.CVSSAtLeast {
			return false, nil
		}
		why = append(why, fmt.Sprintf("%s%s has CVSS %.1f, at least %.1f", topID, fix, top, c.CVSSAtLeast))
	}
	if c.InKEV {
		var found []string
		for _, f := range s.Result.Findings {
			if considered(f) && f.KEV && !slices.Contains(found, f.ID) {
				found = append(found, f.ID)
			}
		}
		if len(found) == 0 {
			return false, nil
		}
		slices.Sort(found)
		why = append(why, "in CISA KEV: "+strings.Join(found, ", ")+fix)
	}
	if c.EPSSAtLeast > 0 {
		top := 0.0
		var topID string
		for _, f := range s.Result.Findings {
			if considered(f) && f.EPSS > top {
				top, topID = f.EPSS, f.ID
			}
		}
		if top < c.EPSSAtLeast {
			return false, nil
		}
		why = append(why, fmt.Sprintf("%s%s has EPSS %.4f, at least %.4f", topID, fix, top, c.EPSSAtLeast))
	}
	if len(c.CVEs) > 0 {
		var found []string
		for _, f := range s.Result.Findings {
			if !considered(f) {
				continue
			}
			for _, id := range append([]string{f.ID}, f.Aliases...) {
				if id = strings.ToUpper(id); slices.Contains(c.CVEs, id) && !slices.Contains(found, id) {
					found = append(found, id)
				}
			}
		}
		if len(found) == 0 {
			return false, nil
		}
		slices.Sort(found)
		why = append(why, "found "+strings.Join(found, ", ")+fix)
	}
	return true, why
}

func anyGlob(patterns []string, s string) bool {
	for _, p := range patterns {
		if glob(p, s) {
			return true
		}
	}
	return false
}

// glob is path.Match with "**" matching anything; patterns were checked by
// Validate, so a match error only means no match.
func glob(pattern, s string) bool {
	if pattern == "**" {
		return true
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}
