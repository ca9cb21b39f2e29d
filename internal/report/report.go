// Package report defines the scan report: the one document every scan
// produces, whatever its source, and whatever later consumes it (the CLI,
// the controller, the console). Its JSON form is versioned and documented in
// docs/report-schema.md; change both together and bump SchemaVersion when a
// field changes meaning or disappears.
package report

import "time"

// SchemaVersion is the version of the JSON document written by scans.
const SchemaVersion = "1.0"

// Severity sources named in Vulnerability.SeveritySource and CVSS.Source
// besides distributions ("debian", "ubuntu", "alpine", ...) and OSV
// databases named by their id prefix ("ghsa", "rustsec", ...).
const (
	// SourceCNA is the CVE Numbering Authority that published the CVE
	// record (its JSON 5 "cna" container, or NVD's "Secondary" metrics).
	SourceCNA = "cna"
	// SourceNVD is NIST's National Vulnerability Database ("Primary").
	SourceNVD = "nvd"
	// SourceCISAADP is CISA's "Vulnrichment" ADP container of the CVE record.
	SourceCISAADP = "cisa-adp"
	// SourceGHSA is the GitHub Advisory Database.
	SourceGHSA = "ghsa"
)

// Report is the result of one scan.
type Report struct {
	SchemaVersion string `json:"schema_version"`
	Image         *Image `json:"image,omitempty"`
	// Host replaces Image when a live root filesystem was scanned
	// ('scanfleet host').
	Host            *Host           `json:"host,omitempty"`
	OS              *OS             `json:"os,omitempty"`
	Packages        []Package       `json:"packages"`
	Vulnerabilities []Vulnerability `json:"vulnerabilities"`
	// Coverage says, per ecosystem found in the image, whether the database
	// had data for it. A scan never looks clean because data is missing.
	Coverage []Coverage `json:"coverage,omitempty"`
	// Suppressed lists findings removed by VEX statements (issue 4).
	Suppressed     []Suppressed `json:"suppressed,omitempty"`
	Warnings       []string     `json:"warnings,omitempty"`
	DB             *DBInfo      `json:"db,omitempty"`
	ScannedAt      time.Time    `json:"scanned_at"`
	ScannerVersion string       `json:"scanner_version"`
}

// Image identifies what was scanned.
type Image struct {
	Reference string  `json:"reference"`
	Digest    string  `json:"digest,omitempty"`
	Platform  string  `json:"platform,omitempty"`
	Layers    []Layer `json:"layers"`
}

// Host identifies a scanned machine.
type Host struct {
	Hostname string `json:"hostname,omitempty"`
	// Kernel is the running kernel's release (uname -r).
	Kernel string `json:"kernel,omitempty"`
	// Root is the directory scanned as the root filesystem ("/", or
	// "/proc/1/root" from a container).
	Root string `json:"root"`
}

// Layer is one filesystem layer of the image, bottom first.
type Layer struct {
	Digest    string `json:"digest"`
	DiffID    string `json:"diff_id,omitempty"`
	Size      int64  `json:"size"`
	CreatedBy string `json:"created_by,omitempty"`
	// Packages and Vulnerabilities introduced by this layer; filled only
	// with --layers.
	Packages        []Package       `json:"packages,omitempty"`
	Vulnerabilities []Vulnerability `json:"vulnerabilities,omitempty"`
}

// OS is the distribution found in the image.
type OS struct {
	ID              string `json:"id"`
	VersionID       string `json:"version_id,omitempty"`
	VersionCodename string `json:"version_codename,omitempty"`
	PrettyName      string `json:"pretty_name,omitempty"`
	// IDLike is os-release's ID_LIKE, split on spaces.
	IDLike []string `json:"id_like,omitempty"`
}

// Package types: the values of Package.Type and Vulnerability.PackageType,
// declared here once and used by the analyzers that produce them, the
// ecosystem descriptors that claim them, purl, matching, the writers and
// SBOM import. The distribution types name the package manager, the
// language types the package ecosystem.
const (
	TypeDeb = "deb"
	TypeAPK = "apk"
	TypeRPM = "rpm"

	// TypeGoModule is a module of a Go binary's build information.
	TypeGoModule = "go-module"
	// TypeMaven is a Java archive; Name is "groupId:artifactId", the form
	// Maven advisories use.
	TypeMaven = "maven"
	// TypePyPI is a Python distribution. Name keeps the distribution's own
	// spelling ("PyYAML"); matching normalises it per PEP 503, and the purl
	// carries the normalised form, as the purl spec asks.
	TypePyPI = "pypi"
	// TypeNPM is a node_modules package or an npm lockfile entry.
	TypeNPM = "npm"
	// TypeGem is a RubyGems specification or a Gemfile.lock entry.
	TypeGem = "gem"
	// TypeCargo is a crate of a Cargo.lock or of a cargo-auditable binary.
	TypeCargo = "cargo"
	// TypeComposer is a Composer package; Name is "vendor/name" as
	// Packagist spells it.
	TypeComposer = "composer"
	// TypeNuGet is a .NET package of a deps.json.
	TypeNuGet = "nuget"
)

// IsOSType reports whether a package type is a distribution's package
// manager's (deb, apk, rpm) rather than a language ecosystem's.
func IsOSType(t string) bool {
	return t == TypeDeb || t == TypeAPK || t == TypeRPM
}

// Package is one installed package.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Type is the package manager or ecosystem: deb, apk, rpm, ...
	Type string `json:"type"`
	Arch string `json:"arch,omitempty"`
	// SourceName and SourceVersion name the source package the binary was
	// built from (dpkg Source:, apk origin, source RPM). Distro advisories
	// are keyed by source package, so matching uses these.
	SourceName    string `json:"source_name,omitempty"`
	SourceVersion string `json:"source_version,omitempty"`
	// Path is the file the package was read from (a package database, a
	// manifest or a binary), relative to the image root.
	Path string `json:"path,omitempty"`
	// Layer is the digest of the layer that introduced the package in its
	// current version; LayerCreatedBy that layer's history line.
	Layer          string `json:"layer,omitempty"`
	LayerCreatedBy string `json:"layer_created_by,omitempty"`
	PURL           string `json:"purl,omitempty"`
	// OwnedBy is set on a language package whose file (Path) was installed
	// by an OS package, as "type:name" (e.g. "deb:python3-cryptography"):
	// the same software is then reported under both ecosystems, and the
	// OS vendor's advisories are the authoritative ones for it.
	OwnedBy string `json:"owned_by,omitempty"`
	// Processes lists the running processes using this package's file
	// (host scans only), as "PID command line".
	Processes []string `json:"processes,omitempty"`
}

// Vulnerability is one finding: one advisory affecting one package.
type Vulnerability struct {
	ID               string   `json:"id"`
	Aliases          []string `json:"aliases,omitempty"`
	Package          string   `json:"package"`
	PackageType      string   `json:"package_type,omitempty"`
	SourceName       string   `json:"source_name,omitempty"`
	InstalledVersion string   `json:"installed_version"`
	FixedVersion     string   `json:"fixed_version"`
	// Status is "fixed" when a fixed version exists, "no-fix" otherwise.
	Status string `json:"status,omitempty"`
	// Severity is the normalised severity (CRITICAL, HIGH, MEDIUM, LOW,
	// NEGLIGIBLE, UNKNOWN): the vendor's when the distro gives one, else
	// derived from the highest CVSS score.
	Severity       Severity `json:"severity"`
	VendorSeverity string   `json:"vendor_severity,omitempty"`
	// SeveritySource names where Severity came from (e.g. "debian",
	// "ghsa", "cna", "nvd", "cisa-adp"); empty when Severity is UNKNOWN
	// because no source had data.
	SeveritySource string `json:"severity_source,omitempty"`
	// VendorSeveritySource names who gave VendorSeverity: a distribution
	// ("debian", "ubuntu", ...) or an OSV database ("ghsa").
	VendorSeveritySource string `json:"vendor_severity_source,omitempty"`
	// Score is the CVSS base score of the first source, in the severity
	// precedence order, that has a vector; ScoreSource names it. Zero and
	// empty when no source has a vector.
	Score          float64 `json:"score,omitempty"`
	ScoreSource    string  `json:"score_source,omitempty"`
	CVSS           []CVSS  `json:"cvss,omitempty"`
	Layer          string  `json:"layer,omitempty"`
	LayerCreatedBy string  `json:"layer_created_by,omitempty"`
	// PackagePath is the file the package was found in (its Package.Path),
	// so that findings of two copies of one package can be told apart.
	PackagePath string   `json:"package_path,omitempty"`
	Source      string   `json:"source"` // feed: osv, alpine-secdb, debian-tracker
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	References  []string `json:"references,omitempty"`
	// KEV is set when the vulnerability (or an alias) is in CISA's Known
	// Exploited Vulnerabilities catalog.
	KEV *KEV `json:"kev,omitempty"`
	// EPSS is FIRST's exploit prediction for the CVE (or its alias).
	EPSS *EPSS `json:"epss,omitempty"`
}

// KEV is a finding's entry in CISA's Known Exploited Vulnerabilities catalog.
type KEV struct {
	DateAdded       string `json:"date_added"` // YYYY-MM-DD
	DueDate         string `json:"due_date,omitempty"`
	KnownRansomware bool   `json:"known_ransomware_use,omitempty"`
}

// EPSS is FIRST's Exploit Prediction Scoring System score of one CVE.
type EPSS struct {
	Score      float64 `json:"score"`      // probability, 0..1
	Percentile float64 `json:"percentile"` // 0..1
	Date       string  `json:"date"`       // the model's score date, YYYY-MM-DD
}

// Suppressed is a finding that a VEX statement removed from
// Vulnerabilities, kept so that a report always says what it hides and why.
type Suppressed struct {
	Vulnerability Vulnerability `json:"vulnerability"`
	// Status is the VEX status that suppressed it: "not_affected" or
	// "fixed", or "exception" for a fleet exception (internal/exception).
	Status string `json:"status"`
	// Justification is the VEX justification (not_affected only), e.g.
	// "vulnerable_code_not_in_execute_path".
	Justification string `json:"justification,omitempty"`
	// Statement is the statement's impact statement, or its status notes.
	Statement string `json:"statement,omitempty"`
	// Source names the VEX document (its file and @id) the statement came from.
	Source string `json:"source,omitempty"`
	// Exception, Author and Expires are set when a fleet exception
	// (Status "exception", its reason in Statement) suppressed the finding:
	// its id, who made it and when it stops applying (nil: never).
	Exception string     `json:"exception,omitempty"`
	Author    string     `json:"author,omitempty"`
	Expires   *time.Time `json:"expires,omitempty"`
}

// CVSS is one scored vector.
type CVSS struct {
	Version string  `json:"version"` // "2.0", "3.0", "3.1", "4.0"
	Vector  string  `json:"vector"`
	Score   float64 `json:"score"`
	// Source names who scored it (e.g. "nvd", "cna", "cisa-adp", "ghsa").
	Source string `json:"source,omitempty"`
}

// Coverage records whether the database knows an ecosystem the image uses.
type Coverage struct {
	Ecosystem string `json:"ecosystem"` // e.g. "Alpine:v3.20", "Debian:12", "Go"
	Packages  int    `json:"packages"`
	Covered   bool   `json:"covered"`
	Note      string `json:"note,omitempty"`
}

// DBInfo identifies the vulnerability database used for matching.
type DBInfo struct {
	SchemaVersion int       `json:"schema_version"`
	BuiltAt       time.Time `json:"built_at"`
	Digest        string    `json:"digest"`
	// AdvisoriesDigest identifies the database's advisories apart from
	// its enrichment: a newer database with the same AdvisoriesDigest
	// matches every package alike, so stored findings need re-ranking
	// only (severities, KEV, EPSS), not re-matching.
	AdvisoriesDigest string `json:"advisories_digest,omitempty"`
}
