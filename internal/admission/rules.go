// Package admission is the policy side of Scanfleet's Kubernetes admission
// control: the rule model (NeuVector-style criteria on a container image's
// scan result and on where it is deployed), the evaluation of one image
// against an ordered rule set, and Request, the container images an
// admission.k8s.io/v1 AdmissionReview would run (decoded by package
// admission/review, which alone links the Kubernetes API types).
//
// It knows nothing about storage or HTTP: the controller resolves each
// image to its stored result and asks Evaluate for a verdict, so the whole
// decision logic is a pure function that tests can drive directly.
//
// Evaluation order: enabled allow rules first (an exception always wins),
// then deny rules, each list in its configured order; the first match
// decides. When nothing matches, an image without a result gets the
// configured no-result action (default allow); any other image is allowed.
// A deny verdict under mode monitor is allowed and recorded; under protect
// it is refused with a message naming the image and the rule.
package admission

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Mode says what a deny verdict does.
type Mode string

// Modes.
const (
	// Monitor allows the request and records what would have been denied.
	Monitor Mode = "monitor"
	// Protect refuses the request.
	Protect Mode = "protect"
)

// Action is a rule's verdict.
type Action string

// Actions.
const (
	Allow Action = "allow"
	Deny  Action = "deny"
)

// Fix filters the findings that finding-based criteria consider.
const (
	FixAny     = ""        // every finding
	FixWith    = "with"    // only findings with a fixed version
	FixWithout = "without" // only findings without one
)

// Duration is a time.Duration written "36h", "90m" or, for the ages that
// admission rules deal in, "7d".
type Duration time.Duration

// ParseDuration reads a Duration: Go's syntax plus a whole-day form "Nd".
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*365 {
			return 0, fmt.Errorf("duration %q: want a whole number of days like \"7d\"", s)
		}
		return Duration(time.Duration(n) * 24 * time.Hour), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return Duration(d), nil
}

func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(td/(24*time.Hour)), 10) + "d"
	}
	return td.String()
}

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte(`""`), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string like \"7d\": %w", err)
	}
	v, err := ParseDuration(s)
	*d = v
	return err
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	v, err := ParseDuration(s)
	*d = v
	return err
}

// Criteria are the conditions of a rule. Every criterion that is set must
// hold for the rule to match (AND); lists match when any entry does (OR).
// Globs are path.Match patterns ('*' stops at '/'), plus "**" alone for
// anything.
type Criteria struct {
	// Where the image comes from and where it is deployed.

	// Registries are globs on the image's registry host, Docker Hub
	// being "docker.io" ("127.0.0.1:5000", "*.example.com").
	Registries []string `json:"registries,omitempty" yaml:"registries"`
	// Repositories are globs on the repository path ("team/*",
	// "library/nginx").
	Repositories []string `json:"repositories,omitempty" yaml:"repositories"`
	// Images are globs on the normalised reference "host/repo:tag" or
	// "host/repo@digest" as the workload names it.
	Images []string `json:"images,omitempty" yaml:"images"`
	// Namespaces are globs on the workload's namespace.
	Namespaces []string `json:"namespaces,omitempty" yaml:"namespaces"`
	// Labels must all be present on the workload (pod template labels,
	// else the object's), each value matching its glob ("*": any value).
	Labels map[string]string `json:"labels,omitempty" yaml:"labels"`

	// What the scan found.

	// NotScanned matches an image the controller has no result for
	// (including a tag it never saw).
	NotScanned bool `json:"not_scanned,omitempty" yaml:"not_scanned"`
	// ScannedOlderThan matches a result older than this.
	ScannedOlderThan Duration `json:"scanned_older_than,omitempty" yaml:"scanned_older_than"`
	// Severity with MinCount: at least MinCount (default 1) findings at
	// or above Severity.
	Severity report.Severity `json:"severity,omitempty" yaml:"severity"`
	MinCount int             `json:"min_count,omitempty" yaml:"min_count"`
	// Fix restricts the findings the severity, CVSS, KEV, EPSS and CVE
	// criteria look at: "with" a fixed version, "without" one, or "" for all.
	Fix string `json:"fix,omitempty" yaml:"fix"`
	// CVSSAtLeast matches a finding with a CVSS base score at least this.
	CVSSAtLeast float64 `json:"cvss_at_least,omitempty" yaml:"cvss_at_least"`
	// InKEV matches a finding in CISA's Known Exploited Vulnerabilities
	// catalog.
	InKEV bool `json:"in_kev,omitempty" yaml:"in_kev"`
	// EPSSAtLeast matches a finding whose EPSS exploit probability is at
	// least this (0-1).
	EPSSAtLeast float64 `json:"epss_at_least,omitempty" yaml:"epss_at_least"`
	// CVEs matches a finding whose id or an alias is one of these.
	CVEs []string `json:"cves,omitempty" yaml:"cves"`
	// NotCovered matches a result whose database had no data for an
	// ecosystem the image contains (an OS release or language with no
	// advisories): its finding counts cannot be trusted to be complete.
	NotCovered bool `json:"not_covered,omitempty" yaml:"not_covered"`
}

// needsResult says whether the criteria look at scan findings.
func (c Criteria) needsResult() bool {
	return c.ScannedOlderThan > 0 || c.Severity != "" || c.CVSSAtLeast > 0 || len(c.CVEs) > 0 || c.NotCovered ||
		c.InKEV || c.EPSSAtLeast > 0
}

func (c Criteria) empty() bool {
	return len(c.Registries) == 0 && len(c.Repositories) == 0 && len(c.Images) == 0 && len(c.Namespaces) == 0 &&
		len(c.Labels) == 0 && !c.NotScanned && !c.needsResult()
}

// Rule is one admission rule.
type Rule struct {
	// Name identifies the rule in the API and in denial messages.
	Name   string `json:"name" yaml:"name"`
	Action Action `json:"action" yaml:"action"`
	// Mode, for a deny rule, overrides the global mode.
	Mode     Mode     `json:"mode,omitempty" yaml:"mode"`
	Disabled bool     `json:"disabled,omitempty" yaml:"disabled"`
	Comment  string   `json:"comment,omitempty" yaml:"comment"`
	Criteria Criteria `json:"criteria" yaml:"criteria"`
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// Validate checks a rule and normalises its severity and CVE spellings.
func (r *Rule) Validate() error {
	if !validName.MatchString(r.Name) {
		return fmt.Errorf("rule name %q: want letters, digits, '.', '_', '-' (at most 63)", r.Name)
	}
	if r.Action != Allow && r.Action != Deny {
		return fmt.Errorf("rule %q: action must be allow or deny, not %q", r.Name, r.Action)
	}
	if r.Mode != "" && r.Mode != Monitor && r.Mode != Protect {
		return fmt.Errorf("rule %q: mode must be monitor, protect or empty, not %q", r.Name, r.Mode)
	}
	c := &r.Criteria
	if c.empty() {
		return fmt.Errorf("rule %q: no criteria; a rule without criteria would match every image", r.Name)
	}
	if c.NotScanned && c.needsResult() {
		return fmt.Errorf("rule %q: not_scanned cannot be combined with criteria on scan results", r.Name)
	}
	if c.Severity != "" {
		s, ok := report.LookupSeverity(string(c.Severity))
		if !ok {
			return fmt.Errorf("rule %q: severity %q: want one of %s", r.Name, c.Severity, report.SeverityNames())
		}
		c.Severity = s
	}
	if c.MinCount < 0 {
		return fmt.Errorf("rule %q: negative min_count", r.Name)
	}
	if c.MinCount > 0 && c.Severity == "" {
		return fmt.Errorf("rule %q: min_count needs a severity", r.Name)
	}
	if c.Fix != FixAny && c.Fix != FixWith && c.Fix != FixWithout {
		return fmt.Errorf("rule %q: fix must be with, without or empty, not %q", r.Name, c.Fix)
	}
	if c.Fix != FixAny && c.Severity == "" && c.CVSSAtLeast == 0 && len(c.CVEs) == 0 && !c.InKEV && c.EPSSAtLeast == 0 {
		return fmt.Errorf("rule %q: fix needs a severity, cvss_at_least, in_kev, epss_at_least or cves criterion", r.Name)
	}
	if c.EPSSAtLeast < 0 || c.EPSSAtLeast > 1 {
		return fmt.Errorf("rule %q: epss_at_least %v is outside 0-1", r.Name, c.EPSSAtLeast)
	}
	if c.CVSSAtLeast < 0 || c.CVSSAtLeast > 10 {
		return fmt.Errorf("rule %q: cvss_at_least %v is outside 0-10", r.Name, c.CVSSAtLeast)
	}
	for i, id := range c.CVEs {
		id = strings.TrimSpace(id)
		if id == "" {
			return fmt.Errorf("rule %q: empty CVE id", r.Name)
		}
		c.CVEs[i] = strings.ToUpper(id)
	}
	globs := [][]string{c.Registries, c.Repositories, c.Images, c.Namespaces}
	for _, l := range globs {
		for _, g := range l {
			if _, err := path.Match(g, ""); err != nil {
				return fmt.Errorf("rule %q: pattern %q: %w", r.Name, g, err)
			}
		}
	}
	for k, g := range c.Labels {
		if k == "" {
			return fmt.Errorf("rule %q: empty label key", r.Name)
		}
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("rule %q: label %s pattern %q: %w", r.Name, k, g, err)
		}
	}
	return nil
}

// Settings are the global admission settings.
type Settings struct {
	// Mode is what deny verdicts do (default monitor, so that turning
	// admission control on never breaks a cluster by surprise).
	Mode Mode `json:"mode" yaml:"mode"`
	// NoResult is the action for an image the controller has no result
	// for when no rule matched it (default allow; always recorded).
	NoResult Action `json:"no_result" yaml:"no_result"`
}

// Normalize fills defaults and validates.
func (s *Settings) Normalize() error {
	if s.Mode == "" {
		s.Mode = Monitor
	}
	if s.NoResult == "" {
		s.NoResult = Allow
	}
	if s.Mode != Monitor && s.Mode != Protect {
		return fmt.Errorf("admission mode must be monitor or protect, not %q", s.Mode)
	}
	if s.NoResult != Allow && s.NoResult != Deny {
		return fmt.Errorf("admission no_result must be allow or deny, not %q", s.NoResult)
	}
	return nil
}

// Policy is the settings and the ordered rules.
type Policy struct {
	Settings `yaml:",inline"`
	Rules    []Rule `json:"rules" yaml:"rules"`
}

// Validate normalises the settings and validates every rule, refusing
// duplicate names.
func (p *Policy) Validate() error {
	if err := p.Settings.Normalize(); err != nil {
		return err
	}
	seen := map[string]bool{}
	var errs []error
	for i := range p.Rules {
		if err := p.Rules[i].Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[p.Rules[i].Name] {
			errs = append(errs, fmt.Errorf("rule %q defined twice", p.Rules[i].Name))
		}
		seen[p.Rules[i].Name] = true
	}
	return errors.Join(errs...)
}
