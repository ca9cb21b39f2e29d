package output

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scanfleet/scanfleet/internal/report"
)

const (
	osLayer   = "sha256:aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111"
	osDiff    = "sha256:dddddddddddd1111111111111111111111111111111111111111111111111111"
	appLayer  = "sha256:bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222"
	appDiff   = "sha256:eeeeeeeeeeee2222222222222222222222222222222222222222222222222222"
	longTitle = "openssl: a very long title that goes on and on about a buffer over-read in the X.509 certificate verification when checking name constraints"
)

// tableReport is a hand-built report with findings in every kind of target
// (paths as the analyzers report them for the scan fixture images).
func tableReport() *report.Report {
	return &report.Report{
		Image: &report.Image{Reference: "registry.example/app:1.0", Digest: "sha256:feed", Layers: []report.Layer{
			{Digest: osLayer, DiffID: osDiff},
			{Digest: appLayer, DiffID: appDiff},
		}},
		OS: &report.OS{ID: "debian", VersionID: "12", PrettyName: "Debian GNU/Linux 12 (bookworm)"},
		DB: &report.DBInfo{},
		Vulnerabilities: []report.Vulnerability{
			{ID: "GHSA-xvch-5gv4-984h", Aliases: []string{"CVE-2021-44906"}, Package: "minimist", PackageType: "npm", InstalledVersion: "0.0.8", FixedVersion: "0.2.4", Severity: "CRITICAL", Layer: appLayer,
				PackagePath: "app/node_modules/mkdirp/node_modules/minimist/package.json", Title: "Prototype Pollution in minimist"},
			{ID: "GHSA-xvch-5gv4-984h", Aliases: []string{"CVE-2021-44906"}, Package: "minimist", PackageType: "npm", InstalledVersion: "1.2.0", FixedVersion: "1.2.6", Severity: "CRITICAL", Layer: appLayer,
				PackagePath: "app/node_modules/minimist/package.json", Title: "Prototype Pollution in minimist"},
			{ID: "GHSA-aaaa", Package: "left-pad", PackageType: "npm", InstalledVersion: "1.0.0", Severity: "LOW", Layer: appLayer,
				PackagePath: "srv/web/node_modules/left-pad/package.json", Description: "First line of the description\nsecond line"},
			{ID: "CVE-2023-0464", Package: "libssl3", PackageType: "deb", SourceName: "openssl", InstalledVersion: "3.0.8-1", FixedVersion: "3.0.9-1", Severity: "HIGH", Layer: osLayer,
				PackagePath: "var/lib/dpkg/status", Title: longTitle, KEV: &report.KEV{DateAdded: "2024-01-01"}},
			{ID: "GO-2023-1571", Aliases: []string{"CVE-2022-41723"}, Package: "golang.org/x/net", PackageType: "go-module", InstalledVersion: "v0.7.0", FixedVersion: "0.7.0", Severity: "HIGH", Layer: appLayer,
				PackagePath: "usr/local/bin/app", Title: "Denial of service via crafted HTTP/2 stream in net/http and golang.org/x/net"},
			{ID: "GHSA-jjjj", Package: "org.yaml:snakeyaml", PackageType: "maven", InstalledVersion: "1.30", Severity: "MEDIUM", Layer: appLayer,
				PackagePath: "opt/app.war!/WEB-INF/lib/snakeyaml-1.30.jar", Title: "snakeyaml: constructor deserialization"},
			{ID: "PYSEC-1", Package: "jinja2", PackageType: "pypi", InstalledVersion: "2.0", Severity: "MEDIUM", Layer: appLayer,
				PackagePath: "usr/lib/python3/dist-packages/Jinja2-2.0.dist-info/METADATA"},
		},
	}
}

// section returns the lines of the table from the target heading up to the
// next blank line.
func section(t *testing.T, out, heading string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("no target heading %q in:\n%s", heading, out)
	}
	sec, _, _ := strings.Cut(rest, "\n\n")
	return strings.Split(strings.TrimRight(sec, "\n"), "\n")
}

func TestTableGroupsByTarget(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, tableReport(), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	t.Log("\n" + out)
	tests := []struct {
		heading string
		total   int
		rows    []string // substrings, one per finding row, in order
	}{
		{"OS packages (Debian GNU/Linux 12 (bookworm))", 1, []string{"libssl3  CVE-2023-0464 [KEV]"}},
		{"app/node_modules (Node.js)", 2, []string{"minimist  GHSA-xvch-5gv4-984h CVE-2021-44906", "minimist  GHSA-xvch-5gv4-984h CVE-2021-44906"}},
		{"opt/app.war (Java)", 1, []string{"org.yaml:snakeyaml"}},
		{"srv/web/node_modules (Node.js)", 1, []string{"First line of the description"}},
		{"usr/lib/python3/dist-packages (Python)", 1, []string{"jinja2"}},
		{"usr/local/bin/app (Go binary)", 1, []string{"golang.org/x/net"}},
	}
	last := -1
	for _, tc := range tests {
		t.Run(tc.heading, func(t *testing.T) {
			at := strings.Index(out, "\n"+tc.heading+"\n")
			if at < last {
				t.Errorf("target %q out of order (OS first, then by name)", tc.heading)
			}
			last = at
			lines := section(t, out, tc.heading)
			if !strings.HasPrefix(lines[0], "Total: ") || !strings.Contains(lines[0], "Total: "+strconv.Itoa(tc.total)+" (") {
				t.Errorf("total line %q, want Total: %d", lines[0], tc.total)
			}
			if !strings.Contains(lines[1], "TITLE") || !strings.Contains(lines[1], "SEVERITY") {
				t.Errorf("header %q lacks SEVERITY or TITLE", lines[1])
			}
			rows := lines[2:]
			if len(rows) != len(tc.rows) {
				t.Fatalf("%d rows, want %d: %q", len(rows), len(tc.rows), rows)
			}
			for i, want := range tc.rows {
				if !strings.Contains(rows[i], want) {
					t.Errorf("row %d = %q, want it to contain %q", i, rows[i], want)
				}
			}
		})
	}
	// Layers by short diff ID, never the compressed digest.
	if !strings.Contains(out, "dddddddddddd") || !strings.Contains(out, "eeeeeeeeeeee") || strings.Contains(out, "aaaaaaaaaaaa") || strings.Contains(out, "bbbbbbbbbbbb") {
		t.Errorf("layers not shown as short diff IDs")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing spaces: %q", line)
		}
	}
	if !strings.Contains(out, "Known exploited (CISA KEV): 1: CVE-2023-0464\n") {
		t.Errorf("no KEV summary line")
	}
}

func TestTableTitleWidth(t *testing.T) {
	tests := []struct {
		name  string
		width int
		// maxLine bounds the finding rows' length; 0 means the title must be
		// cut at DefaultTitleWidth.
		maxLine int
	}{
		{name: "unknown width", width: 0},
		{name: "wide terminal", width: 160, maxLine: 160},
		{name: "narrow terminal keeps a readable title", width: 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeTable(&buf, tableReport(), TableOptions{Width: tc.width}); err != nil {
				t.Fatal(err)
			}
			lines := section(t, buf.String(), "OS packages (Debian GNU/Linux 12 (bookworm))")
			row := lines[2]
			title := row[strings.Index(row, "openssl: "):]
			if !strings.HasSuffix(title, "…") {
				t.Errorf("long title not marked as cut: %q", title)
			}
			n := utf8.RuneCountInString(title)
			switch {
			case tc.maxLine > 0:
				if l := utf8.RuneCountInString(row); l > tc.maxLine || l < tc.maxLine-2 {
					t.Errorf("row is %d characters, want it to fill %d: %q", l, tc.maxLine, row)
				}
			case tc.width > 0:
				if n != minTitleWidth {
					t.Errorf("title %d characters, want %d: %q", n, minTitleWidth, title)
				}
			default:
				if n != DefaultTitleWidth {
					t.Errorf("title %d characters, want %d: %q", n, DefaultTitleWidth, title)
				}
			}
		})
	}
}

func TestTarget(t *testing.T) {
	tests := []struct {
		typ, path, want string
	}{
		{"apk", "lib/apk/db/installed", "OS packages (Alpine Linux v3.20)"},
		{"go-module", "usr/local/bin/app", "usr/local/bin/app (Go binary)"},
		{"npm", "app/node_modules/a/node_modules/b/package.json", "app/node_modules (Node.js)"},
		{"npm", "app/package-lock.json", "app/package-lock.json (Node.js)"},
		{"pypi", "usr/local/lib/python3.12/site-packages/x-1.0.dist-info/METADATA", "usr/local/lib/python3.12/site-packages (Python)"},
		{"maven", "app.jar!/BOOT-INF/lib/a.jar!/META-INF/maven/g/a/pom.properties", "app.jar (Java)"},
		{"gem", "usr/lib/ruby/gems/3.1.0/specifications/rack-2.2.3.gemspec", "usr/lib/ruby/gems/3.1.0 (Ruby)"},
		{"cargo", "", "Rust packages"},
	}
	for _, tc := range tests {
		t.Run(tc.typ+" "+tc.path, func(t *testing.T) {
			got, _ := Target(report.Vulnerability{PackageType: tc.typ, PackagePath: tc.path}, "Alpine Linux v3.20")
			if got != tc.want {
				t.Errorf("Target = %q, want %q", got, tc.want)
			}
		})
	}
}

// The table says how many findings VEX and exceptions each suppressed.
func TestTableSuppressedCounts(t *testing.T) {
	tests := []struct {
		name string
		sup  []report.Suppressed
		want []string
		not  []string
	}{
		{"vex only", []report.Suppressed{{Status: "not_affected"}}, []string{"Suppressed by VEX: 1"}, []string{"by exceptions"}},
		{"exceptions only", []report.Suppressed{{Status: "exception", Exception: "e1"}, {Status: "exception", Exception: "e2"}},
			[]string{"Suppressed by exceptions: 2"}, []string{"by VEX"}},
		{"both", []report.Suppressed{{Status: "fixed"}, {Status: "exception", Exception: "e1"}},
			[]string{"Suppressed by VEX: 1", "Suppressed by exceptions: 1"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := tableReport()
			rep.Suppressed = tc.sup
			var buf bytes.Buffer
			if err := writeTable(&buf, rep, TableOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("table lacks %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(buf.String(), n) {
					t.Errorf("table has %q", n)
				}
			}
		})
	}
}
