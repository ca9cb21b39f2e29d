package output

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/scanfleet/scanfleet/internal/report"
)

// TableOptions shapes the table format.
type TableOptions struct {
	// Width is the line width the TITLE column is fitted into. 0 means the
	// terminal's width when writing to one, else titles are cut at
	// DefaultTitleWidth characters (so piped output does not depend on
	// where it was made).
	Width int
}

// DefaultTitleWidth is how many characters of a title the table keeps when
// the line width is unknown.
const DefaultTitleWidth = 60

// minTitleWidth keeps a title readable on a narrow terminal; the line then
// wraps rather than losing the title altogether.
const minTitleWidth = 24

// WriteTable renders rep for people: a summary, then the findings grouped
// by target (the OS packages; each Go binary, node_modules or
// site-packages root, jar, lockfile), as Trivy users expect.
func WriteTable(w io.Writer, rep *report.Report, opts TableOptions) error {
	if opts.Width == 0 {
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			if width, _, err := term.GetSize(int(f.Fd())); err == nil {
				opts.Width = width
			}
		}
	}
	return writeTable(w, rep, opts)
}

func writeTable(w io.Writer, rep *report.Report, opts TableOptions) error {
	ew := &errWriter{w: w}
	target := ""
	switch {
	case rep.Image != nil:
		target = rep.Image.Reference
		if rep.Image.Digest != "" {
			target += " (" + rep.Image.Digest + ")"
		}
	case rep.Host != nil:
		target = "host " + rep.Host.Hostname + " (" + rep.Host.Root
		if rep.Host.Kernel != "" {
			target += ", kernel " + rep.Host.Kernel
		}
		target += ")"
	}
	osName := osLabel(rep.OS)
	ew.printf("%s\n%s, %d packages", target, osName, len(rep.Packages))
	if rep.Image != nil {
		ew.printf(", %d layers", len(rep.Image.Layers))
	}
	ew.printf("\n")

	if rep.DB == nil && len(rep.Vulnerabilities) == 0 {
		ew.printf("Vulnerabilities: not matched (no database)\n")
	} else {
		ew.printf("Vulnerabilities: %d (%s)\n", len(rep.Vulnerabilities), severityCounts(rep.Vulnerabilities))
	}
	var kev []string
	for _, v := range rep.Vulnerabilities {
		if v.KEV != nil && !contains(kev, v.ID) {
			kev = append(kev, v.ID)
		}
	}
	if len(kev) > 0 {
		ew.printf("Known exploited (CISA KEV): %d: %s\n", len(kev), strings.Join(kev, ", "))
	}
	for _, c := range rep.Coverage {
		if !c.Covered {
			ew.printf("NOT COVERED: %s (%d packages): %s\n", c.Ecosystem, c.Packages, c.Note)
		}
	}
	if len(rep.Suppressed) > 0 {
		byException := 0
		for _, sup := range rep.Suppressed {
			if sup.Exception != "" {
				byException++
			}
		}
		if n := len(rep.Suppressed) - byException; n > 0 {
			ew.printf("Suppressed by VEX: %d\n", n)
		}
		if byException > 0 {
			ew.printf("Suppressed by exceptions: %d (see the report's \"suppressed\" for reasons, authors and expiry)\n", byException)
		}
	}
	for _, warn := range rep.Warnings {
		ew.printf("warning: %s\n", warn)
	}

	// Findings name their layer by its (compressed) digest; the table
	// shows every layer by its short diff ID, the same for a registry
	// image and a docker save archive of it.
	diffIDs := map[string]string{}
	if rep.Image != nil {
		for _, l := range rep.Image.Layers {
			if l.DiffID != "" {
				diffIDs[l.Digest] = l.DiffID
			}
		}
	}
	layerID := func(digest string) string {
		if d, ok := diffIDs[digest]; ok {
			return ShortID(d)
		}
		return ShortID(digest)
	}

	if rep.Image != nil && len(rep.Image.Layers) > 0 && hasPerLayer(rep) {
		ew.printf("\n")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "LAYER\tPACKAGES\tVULNS\tCREATED BY")
		for _, l := range rep.Image.Layers {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", layerID(l.Digest), len(l.Packages), len(l.Vulnerabilities), trunc(l.CreatedBy, 60))
		}
		tw.Flush()
	}

	for _, g := range groupByTarget(rep.Vulnerabilities, osName) {
		ew.printf("\n%s\nTotal: %d (%s)\n", g.name, len(g.vulns), severityCounts(g.vulns))
		header := []string{"PACKAGE", "VULNERABILITY", "SEVERITY", "INSTALLED", "FIXED", "LAYER"}
		rows := make([][]string, 0, len(g.vulns))
		for _, v := range g.vulns {
			fixed := v.FixedVersion
			if fixed == "" {
				fixed = "(no fix)"
			}
			id := v.ID
			if cve := firstCVE(v); cve != "" && cve != id {
				id += " " + cve
			}
			if v.KEV != nil {
				id += " [KEV]"
			}
			rows = append(rows, []string{v.Package, id, strings.ToUpper(string(v.Severity)), v.InstalledVersion, fixed, layerID(v.Layer)})
		}
		titleWidth := DefaultTitleWidth
		if opts.Width > 0 {
			// What is left of the line once the other columns (and
			// tabwriter's two-space padding) are laid out.
			used := 0
			for c := range header {
				width := utf8.RuneCountInString(header[c])
				for _, r := range rows {
					width = max(width, utf8.RuneCountInString(r[c]))
				}
				used += width + 2
			}
			titleWidth = max(opts.Width-used, minTitleWidth)
		}
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(header, "\t")+"\tTITLE")
		for i, r := range rows {
			fmt.Fprintln(tw, strings.Join(r, "\t")+"\t"+trunc(title(g.vulns[i]), titleWidth))
		}
		tw.Flush()
		// A finding without a title would leave the padding of the
		// last column behind.
		for _, line := range strings.SplitAfter(buf.String(), "\n") {
			if line != "" {
				ew.printf("%s\n", strings.TrimRight(line, " \n"))
			}
		}
	}
	return ew.err
}

// targetGroup is the findings of one target, sorted for reading.
type targetGroup struct {
	name  string
	os    bool
	vulns []report.Vulnerability
}

// groupByTarget splits findings by where their package was found: the OS
// package database first, then language targets by name.
func groupByTarget(vulns []report.Vulnerability, osName string) []targetGroup {
	byName := map[string]*targetGroup{}
	var groups []*targetGroup
	for _, v := range vulns {
		name, isOS := Target(v, osName)
		g := byName[name]
		if g == nil {
			g = &targetGroup{name: name, os: isOS}
			byName[name] = g
			groups = append(groups, g)
		}
		g.vulns = append(g.vulns, v)
	}
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].os != groups[j].os {
			return groups[i].os
		}
		return groups[i].name < groups[j].name
	})
	out := make([]targetGroup, len(groups))
	for i, g := range groups {
		sort.SliceStable(g.vulns, func(i, j int) bool {
			a, b := g.vulns[i], g.vulns[j]
			if c := report.CompareSeverity(a.Severity, b.Severity); c != 0 {
				return c > 0
			}
			if a.Package != b.Package {
				return a.Package < b.Package
			}
			return a.ID < b.ID
		})
		out[i] = *g
	}
	return out
}

// typeLabels names package types for target headings.
var typeLabels = map[string]string{
	report.TypeGoModule: "Go binary",
	report.TypeNPM:      "Node.js",
	report.TypePyPI:     "Python",
	report.TypeMaven:    "Java",
	report.TypeGem:      "Ruby",
	report.TypeCargo:    "Rust",
	report.TypeComposer: "PHP",
	report.TypeNuGet:    ".NET",
}

// Target names where a finding's package was found, as the table groups
// findings: "OS packages (Debian GNU/Linux 12 (bookworm))" for OS
// packages (isOS true); otherwise the Go binary, the node_modules or
// site-packages root, the outermost jar, the gems directory, or the
// lockfile or manifest, followed by the ecosystem in parentheses.
func Target(v report.Vulnerability, osName string) (name string, isOS bool) {
	if report.IsOSType(v.PackageType) {
		return "OS packages (" + osName + ")", true
	}
	label := typeLabels[v.PackageType]
	if label == "" {
		label = v.PackageType
	}
	p := v.PackagePath
	if p == "" {
		return label + " packages", false
	}
	switch v.PackageType {
	case report.TypeNPM:
		p = rootAt(p, "node_modules")
	case report.TypePyPI:
		p = rootAt(rootAt(p, "site-packages"), "dist-packages")
	case report.TypeMaven:
		p, _, _ = strings.Cut(p, "!/")
	case report.TypeGem:
		if i := strings.Index(p, "/specifications/"); i >= 0 {
			p = p[:i]
		}
	}
	return p + " (" + label + ")", false
}

// rootAt cuts p after its first path element named elem ("app/node_modules"
// for "app/node_modules/a/node_modules/b/package.json"); p is returned
// unchanged when it has no such element.
func rootAt(p, elem string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if part == elem {
			return strings.Join(parts[:i+1], "/")
		}
	}
	return p
}

// title is a finding's title, else the first line of its description.
func title(v report.Vulnerability) string {
	if v.Title != "" {
		return v.Title
	}
	d, _, _ := strings.Cut(strings.TrimSpace(v.Description), "\n")
	return d
}

func osLabel(o *report.OS) string {
	if o == nil {
		return "unknown OS"
	}
	if o.PrettyName != "" {
		return o.PrettyName
	}
	return strings.TrimSpace(o.ID + " " + o.VersionID)
}

func severityCounts(vulns []report.Vulnerability) string {
	counts := map[report.Severity]int{}
	for _, v := range vulns {
		counts[report.ParseSeverity(string(v.Severity))]++
	}
	parts := make([]string, 0, 6)
	for _, s := range report.Severities() {
		parts = append(parts, fmt.Sprintf("%s: %d", s, counts[s]))
	}
	return strings.Join(parts, ", ")
}

func hasPerLayer(rep *report.Report) bool {
	for _, l := range rep.Image.Layers {
		if len(l.Packages) > 0 {
			return true
		}
	}
	return false
}

func firstCVE(v report.Vulnerability) string {
	for _, a := range v.Aliases {
		if strings.HasPrefix(a, "CVE-") {
			return a
		}
	}
	return ""
}

// ShortID is the short form of a layer or image ID that the CLI prints:
// the first 12 hex digits, without the algorithm, as Docker shows IDs.
func ShortID(d string) string {
	if _, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return hex[:12]
	}
	return d
}

// trunc puts s on one line and cuts it to n characters, marking the cut.
func trunc(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
