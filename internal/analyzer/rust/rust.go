// Package rust finds crates: those pinned by Cargo.lock files, and those
// compiled into executables built with cargo-auditable, which embeds the
// dependency tree as zlib-compressed JSON in an ELF section named
// ".dep-v0".
//
// Cargo.lock is TOML and is decoded with github.com/BurntSushi/toml. The
// auditable data is read with debug/elf, compress/zlib and encoding/json;
// its format is documented by the rust-secure-code/cargo-auditable
// project (auditable-serde).
package rust

import (
	"bytes"
	"compress/zlib"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/package-url/packageurl-go"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

const (
	lockName = "Cargo.lock"
	// maxLockSize bounds Cargo.lock files (large workspaces: ~1 MiB).
	maxLockSize = 32 << 20
	// maxBinarySize bounds executables; larger ones are not wanted, as in
	// package gobinary.
	maxBinarySize = 256 << 20
	// maxAuditData bounds the decompressed dependency list.
	maxAuditData = 32 << 20
	auditSection = ".dep-v0"
)

var elfMagic = []byte("\x7fELF")

type rustAnalyzer struct{}

// New returns the Rust analyzer.
func New() analyzer.Analyzer { return rustAnalyzer{} }

func (rustAnalyzer) Name() string { return "rust" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (rustAnalyzer) Version() string { return "1" }

func (rustAnalyzer) Wants(p string, mode fs.FileMode, size int64) bool {
	if path.Base(p) == lockName {
		return true
	}
	return mode&0o111 != 0 && size > int64(len(elfMagic)) && size <= maxBinarySize
}

func (rustAnalyzer) MaxSize() int64 { return maxBinarySize }

// MatchHeader keeps Cargo.lock files and ELF executables.
func (rustAnalyzer) MatchHeader(p string, header []byte) bool {
	return path.Base(p) == lockName || bytes.HasPrefix(header, elfMagic)
}

func (rustAnalyzer) Analyze(_ context.Context, p string, content []byte) (*analyzer.Result, error) {
	var (
		pkgs []report.Package
		err  error
	)
	if path.Base(p) == lockName && !bytes.HasPrefix(content, elfMagic) {
		if len(content) > maxLockSize {
			return nil, fmt.Errorf("lock file is %d bytes, over the %d-byte limit", len(content), maxLockSize)
		}
		pkgs, err = ParseCargoLock(content)
	} else {
		pkgs, err = ParseAuditable(content)
	}
	if err != nil || len(pkgs) == 0 {
		return nil, err
	}
	for i := range pkgs {
		pkgs[i].Path = p
	}
	return &analyzer.Result{Packages: pkgs}, nil
}

// AnalyzeReaderAt implements analyzer.ReaderAtAnalyzer: the walker spools
// large executables to disk rather than memory, and the section table the
// auditable data is found through sits at the end of the file.
func (a rustAnalyzer) AnalyzeReaderAt(ctx context.Context, p string, r io.ReaderAt, size int64) (*analyzer.Result, error) {
	if path.Base(p) == lockName {
		if size > maxLockSize {
			return nil, fmt.Errorf("lock file is %d bytes, over the %d-byte limit", size, maxLockSize)
		}
		content, err := io.ReadAll(io.NewSectionReader(r, 0, size))
		if err != nil {
			return nil, fmt.Errorf("reading Cargo.lock: %w", err)
		}
		return a.Analyze(ctx, p, content)
	}
	pkgs, err := ParseAuditableReaderAt(r, size)
	if err != nil || len(pkgs) == 0 {
		return nil, err
	}
	for i := range pkgs {
		pkgs[i].Path = p
	}
	return &analyzer.Result{Packages: pkgs}, nil
}

// ErrMalformed is wrapped by errors about unreadable Cargo data.
var ErrMalformed = errors.New("malformed Cargo data")

type cargoLock struct {
	Version  int `toml:"version"`
	Packages []struct {
		Name    string `toml:"name"`
		Version string `toml:"version"`
		Source  string `toml:"source"`
	} `toml:"package"`
}

// ParseCargoLock returns the crates a Cargo.lock pins (any lockfile
// version: 1 to 4 share the [[package]] tables). Packages without a source
// are the workspace's own crates, not dependencies fetched from a
// registry or repository, and are left out: an advisory about a crates.io
// crate of the same name is not about them.
func ParseCargoLock(content []byte) ([]report.Package, error) {
	var lf cargoLock
	if _, err := toml.Decode(string(content), &lf); err != nil {
		return nil, fmt.Errorf("%w: Cargo.lock: %w", ErrMalformed, err)
	}
	var pkgs []report.Package
	for _, p := range lf.Packages {
		if p.Name == "" || p.Version == "" || p.Source == "" {
			continue
		}
		pkgs = append(pkgs, newPackage(p.Name, p.Version))
	}
	return sortUnique(pkgs), nil
}

// auditInfo is cargo-auditable's embedded dependency list.
type auditInfo struct {
	Packages []struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		// Source is "crates.io", "git", "local", "registry" or "other".
		Source string `json:"source"`
		// Kind is "runtime" (the default when absent) or "build".
		Kind string `json:"kind"`
		Root bool   `json:"root"`
	} `json:"packages"`
}

// ParseAuditable returns the crates compiled into an executable built with
// cargo-auditable, and nothing (no error) for any other file, ELF or not.
// Local crates (the binary's own workspace) and build-time-only
// dependencies, whose code is not in the executable, are left out.
func ParseAuditable(content []byte) ([]report.Package, error) {
	if !bytes.HasPrefix(content, elfMagic) || !bytes.Contains(content, []byte(auditSection)) {
		return nil, nil
	}
	f, err := elf.NewFile(bytes.NewReader(content))
	if err != nil {
		// An ELF the standard library cannot read is not our concern
		// unless it is one of ours: the section name was seen, so say so.
		return nil, fmt.Errorf("%w: reading ELF: %w", ErrMalformed, err)
	}
	return auditableSection(f, int64(len(content)))
}

// ParseAuditableReaderAt is ParseAuditable for a file read through r, of
// size bytes: only the ELF header, the section table and the section are
// read. Without reading the whole file it cannot tell whether an ELF the
// standard library rejects was built with cargo-auditable, so such a file
// yields nothing rather than an error.
func ParseAuditableReaderAt(r io.ReaderAt, size int64) ([]report.Package, error) {
	magic := make([]byte, len(elfMagic))
	if _, err := r.ReadAt(magic, 0); err != nil || !bytes.Equal(magic, elfMagic) {
		return nil, nil
	}
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, nil
	}
	return auditableSection(f, size)
}

// auditableSection decodes the dependency list of f, an executable of size
// bytes, if it has one.
func auditableSection(f *elf.File, size int64) ([]report.Package, error) {
	sec := f.Section(auditSection)
	if sec == nil {
		return nil, nil
	}
	if sec.Type == elf.SHT_NOBITS || sec.Size > uint64(size) {
		return nil, fmt.Errorf("%w: bad %s section", ErrMalformed, auditSection)
	}
	zr, err := zlib.NewReader(sec.Open())
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, auditSection, err)
	}
	defer zr.Close()
	data, err := io.ReadAll(io.LimitReader(zr, maxAuditData+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, auditSection, err)
	}
	if len(data) > maxAuditData {
		return nil, fmt.Errorf("%w: %s expands past %d bytes", ErrMalformed, auditSection, maxAuditData)
	}
	return parseAuditJSON(data)
}

func parseAuditJSON(data []byte) ([]report.Package, error) {
	var info auditInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("%w: %s JSON: %w", ErrMalformed, auditSection, err)
	}
	var pkgs []report.Package
	for _, p := range info.Packages {
		if p.Name == "" || p.Version == "" || p.Source == "local" || p.Kind == "build" {
			continue
		}
		pkgs = append(pkgs, newPackage(p.Name, p.Version))
	}
	return sortUnique(pkgs), nil
}

func newPackage(name, version string) report.Package {
	u := packageurl.NewPackageURL(packageurl.TypeCargo, "", name, version, nil, "")
	return report.Package{Name: name, Version: version, Type: report.TypeCargo, PURL: u.ToString()}
}

func sortUnique(pkgs []report.Package) []report.Package {
	sort.Slice(pkgs, func(i, j int) bool {
		if pkgs[i].Name != pkgs[j].Name {
			return pkgs[i].Name < pkgs[j].Name
		}
		return pkgs[i].Version < pkgs[j].Version
	})
	out := pkgs[:0]
	for i, p := range pkgs {
		if i > 0 && p.Name == pkgs[i-1].Name && p.Version == pkgs[i-1].Version {
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
