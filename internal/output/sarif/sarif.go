// Package sarif writes a scan report as SARIF 2.1.0, the format GitHub code
// scanning and other code-analysis dashboards ingest.
//
// The document is built with github.com/owenrumney/go-sarif/v3 (the SARIF
// object model that Trivy and others use, maintained, with the official
// schema bundled) rather than hand-written structs: SARIF has hundreds of
// optional fields and the library's types keep us from misspelling them.
//
// Mapping: one run whose tool.driver is "scanfleet"; one rule per
// vulnerability id (properties: security-severity, the score GitHub ranks
// alerts by, and tags); one result per finding, located at the package
// database file the package was read from, because code scanning drops
// results without a location.
package sarif

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/scanfleet/scanfleet/internal/report"
)

// SchemaURI is the official location of the SARIF 2.1.0 schema, written
// as the document's $schema.
const SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// InformationURI is the scanner's home page, written as the driver's
// informationUri.
const InformationURI = "https://github.com/scanfleet/scanfleet"

// Level maps a severity to a SARIF result level (a report written by hand
// may spell it in lower case: it is normalised first).
func Level(severity report.Severity) string {
	switch report.ParseSeverity(string(severity)) {
	case report.SeverityCritical, report.SeverityHigh:
		return "error"
	case report.SeverityMedium:
		return "warning"
	}
	return "note"
}

// SecuritySeverity is the rule's "security-severity" property: the
// finding's CVSS score chosen by the severity precedence (Score, from
// ScoreSource: the feed's own vectors, else the CNA's, NVD's, CISA ADP's),
// else its highest CVSS score, else a score standing for its severity word
// (GitHub ranks >= 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0 low; the
// stand-ins sit inside those bands). GitHub wants it as a decimal string.
func SecuritySeverity(v report.Vulnerability) string {
	best := -1.0
	if v.ScoreSource != "" {
		best = v.Score
	} else {
		for _, c := range v.CVSS {
			if c.Score > best {
				best = c.Score
			}
		}
	}
	if best < 0 {
		switch report.ParseSeverity(string(v.Severity)) {
		case report.SeverityCritical:
			best = 9.5
		case report.SeverityHigh:
			best = 8.0
		case report.SeverityMedium:
			best = 5.5
		case report.SeverityLow:
			best = 2.0
		default:
			best = 0
		}
	}
	return strconv.FormatFloat(best, 'f', 1, 64)
}

// Write renders rep as a SARIF 2.1.0 log with one run.
func Write(w io.Writer, rep *report.Report) error {
	if rep == nil {
		return fmt.Errorf("sarif: nil report")
	}
	log := gosarif.NewReport()
	log.Schema = SchemaURI

	run := gosarif.NewRunWithInformationURI("scanfleet", InformationURI)
	version := rep.ScannerVersion
	if version == "" {
		version = "unknown"
	}
	run.Tool.Driver.WithVersion(version)
	run.Tool.Driver.WithFullName("Scanfleet container image vulnerability scanner")

	fallbackURI := imageURI(rep.Image)
	paths := packagePaths(rep)
	for _, v := range rep.Vulnerabilities {
		addRule(run, v)
	}
	for _, sup := range rep.Suppressed {
		addRule(run, sup.Vulnerability)
	}
	findings := append([]report.Vulnerability(nil), rep.Vulnerabilities...)
	for _, sup := range rep.Suppressed {
		findings = append(findings, sup.Vulnerability)
	}
	results := make([]*gosarif.Result, 0, len(findings))
	for _, v := range findings {
		uri := paths[pathKey{v.Package, v.PackageType, v.InstalledVersion}]
		if uri == "" {
			uri = fallbackURI
		}
		res := run.CreateResultForRule(v.ID).
			WithLevel(Level(v.Severity)).
			WithMessage(gosarif.NewTextMessage(message(v, rep.Image))).
			AddLocation(gosarif.NewLocationWithPhysicalLocation(
				gosarif.NewPhysicalLocation().
					WithArtifactLocation(gosarif.NewSimpleArtifactLocation(uri)).
					// The package database has no line for a package;
					// code scanning wants a region, so point at the top.
					WithRegion(gosarif.NewSimpleRegion(1, 1)),
			))
		// Distinguishes the same CVE on two packages of one file, so
		// GitHub does not merge their alerts.
		// (WithPartialFingerprints: go-sarif's AddPartialFingerprint
		// writes to a nil map.)
		res.WithPartialFingerprints(map[string]string{
			"scanfleet/v1": strings.Join([]string{v.ID, v.PackageType, v.Package, v.InstalledVersion}, "|"),
		})
		results = append(results, res)
	}
	// A suppressed finding (VEX statement or fleet exception) is still a
	// result, marked suppressed with the reason, so a dashboard shows it
	// dismissed and why instead of losing it. It is created like the
	// others, then given its suppression (results are in order).
	for i, sup := range rep.Suppressed {
		res := results[len(rep.Vulnerabilities)+i]
		why := sup.Statement
		if sup.Justification != "" {
			why = strings.TrimSuffix(sup.Justification+": "+why, ": ")
		}
		if sup.Exception != "" {
			why += " (exception " + sup.Exception + " by " + sup.Author
			if sup.Expires != nil {
				why += ", expires " + sup.Expires.UTC().Format("2006-01-02T15:04:05Z")
			}
			why += ")"
		}
		res.AddSuppression(gosarif.NewSuppression().WithKind("external").WithStatus("accepted").WithJustification(why))
	}
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return fmt.Errorf("sarif: writing: %w", err)
	}
	return nil
}

type pathKey struct{ name, typ, version string }

// packagePaths finds each finding's package database file: findings name
// their package but not its path.
func packagePaths(rep *report.Report) map[pathKey]string {
	m := make(map[pathKey]string, len(rep.Packages))
	for _, p := range rep.Packages {
		k := pathKey{p.Name, p.Type, p.Version}
		if _, dup := m[k]; !dup && p.Path != "" {
			m[k] = p.Path
		}
	}
	return m
}

// imageURI stands in for a package path the report does not have.
func imageURI(img *report.Image) string {
	if img == nil || img.Reference == "" {
		return "image"
	}
	return img.Reference
}

func addRule(run *gosarif.Run, v report.Vulnerability) {
	exists := run.GetRuleIndex(v.ID) >= 0
	rule := run.AddRule(v.ID)
	sev := SecuritySeverity(v)
	if exists {
		// A second finding of the same id (another package): keep the
		// highest severity for the rule.
		if old, ok := rule.Properties.Properties["security-severity"].(string); ok {
			if o, err := strconv.ParseFloat(old, 64); err == nil {
				if n, _ := strconv.ParseFloat(sev, 64); n > o {
					rule.Properties.Properties["security-severity"] = sev
				}
			}
		}
		return
	}
	short := v.ID
	if v.Title != "" {
		short = v.ID + ": " + v.Title
	} else if d := firstLine(v.Description); d != "" {
		short = v.ID + ": " + d
	}
	rule.WithName(ruleName(v.ID))
	rule.WithShortDescription(gosarif.NewMultiformatMessageString().WithText(short))
	if v.Description != "" {
		rule.WithFullDescription(gosarif.NewMultiformatMessageString().WithText(v.Description))
	}
	sevFrom := v.SeveritySource
	if sevFrom == "" {
		sevFrom = "no data"
	}
	help := fmt.Sprintf("Vulnerability %s\nSeverity: %s (%s)\nSource: %s", v.ID, v.Severity, sevFrom, v.Source)
	helpMD := fmt.Sprintf("**Vulnerability %s**\n\n| Severity | Severity from | Source |\n| --- | --- | --- |\n| %s | %s | %s |\n", v.ID, v.Severity, sevFrom, v.Source)
	if v.KEV != nil {
		help += "\nIn CISA's Known Exploited Vulnerabilities catalog since " + v.KEV.DateAdded
		helpMD += "\nIn CISA's Known Exploited Vulnerabilities catalog since " + v.KEV.DateAdded + "\n"
	}
	if v.EPSS != nil {
		help += fmt.Sprintf("\nEPSS: %.5f (percentile %.5f, %s)", v.EPSS.Score, v.EPSS.Percentile, v.EPSS.Date)
		helpMD += fmt.Sprintf("\nEPSS: %.5f (percentile %.5f, %s)\n", v.EPSS.Score, v.EPSS.Percentile, v.EPSS.Date)
	}
	for _, ref := range v.References {
		help += "\n" + ref
		helpMD += "\n- " + ref
	}
	rule.WithHelp(gosarif.NewMultiformatMessageString().WithText(help).WithMarkdown(helpMD))
	if len(v.References) > 0 {
		rule.WithHelpURI(v.References[0])
	}
	props := gosarif.NewPropertyBag().
		Add("security-severity", sev).
		Add("precision", "very-high").
		WithTags(tags(v))
	rule.WithProperties(props)
}

func tags(v report.Vulnerability) []string {
	t := []string{"vulnerability", "security", strings.ToUpper(string(v.Severity))}
	if v.KEV != nil {
		t = append(t, "known-exploited")
	}
	return t
}

// ruleName is the rule's PascalCase name SARIF viewers show ("CVE-2024-1"
// -> "Cve202401"); it must not be the id itself per the SARIF spec's
// advice, so strip the punctuation.
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			if up {
				b.WriteString(strings.ToUpper(string(r)))
			} else {
				b.WriteString(strings.ToLower(string(r)))
			}
			up = false
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			up = true
		}
	}
	return b.String()
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	const max = 200
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

func message(v report.Vulnerability, img *report.Image) string {
	fixed := v.FixedVersion
	if fixed == "" {
		fixed = "none (no fix available)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Package: %s\nInstalled Version: %s\nVulnerability: %s\nSeverity: %s\nFixed Version: %s",
		v.Package, v.InstalledVersion, v.ID, v.Severity, fixed)
	if v.SourceName != "" && v.SourceName != v.Package {
		fmt.Fprintf(&b, "\nSource Package: %s", v.SourceName)
	}
	if img != nil && img.Reference != "" {
		fmt.Fprintf(&b, "\nImage: %s", img.Reference)
	}
	if v.LayerCreatedBy != "" {
		fmt.Fprintf(&b, "\nLayer: %s", v.LayerCreatedBy)
	}
	if len(v.References) > 0 {
		fmt.Fprintf(&b, "\nLink: %s", v.References[0])
	}
	return b.String()
}
