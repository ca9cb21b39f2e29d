// Package java finds Maven artifacts in Java archives (.jar, .war, .ear),
// including the archives nested in them (WEB-INF/lib, BOOT-INF/lib, an
// ear's modules, shaded "uber" jars).
//
// Each archive is identified by the pom.properties files Maven writes under
// META-INF/maven/GROUP/ARTIFACT/, which name exact coordinates; an archive
// without any falls back to its MANIFEST.MF, which names the artifact less
// reliably. Archives are read with archive/zip, from memory or in place
// from a file (ParseArchiveAt).
package java

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

const (
	// maxSize bounds the outer archive; Spring Boot and Jenkins wars reach
	// a few hundred MiB.
	maxSize = 512 << 20
	// maxDepth bounds nesting: war -> jar -> shaded jar is already rare.
	maxDepth = 3
	// maxInflated bounds the bytes of nested archives decompressed while
	// reading one outer archive, a defence against zip bombs.
	maxInflated = 512 << 20
	// maxSmallFile bounds the pom.properties and MANIFEST.MF files read.
	maxSmallFile = 1 << 20
)

type javaAnalyzer struct{}

// New returns the Java archive analyzer.
func New() analyzer.Analyzer { return javaAnalyzer{} }

func (javaAnalyzer) Name() string { return "java" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (javaAnalyzer) Version() string { return "1" }

func (javaAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	return isArchive(p)
}

func isArchive(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".jar" || ext == ".war" || ext == ".ear"
}

func (javaAnalyzer) MaxSize() int64 { return maxSize }

func (javaAnalyzer) Analyze(ctx context.Context, p string, content []byte) (*analyzer.Result, error) {
	pkgs, err := ParseArchive(ctx, p, content)
	if len(pkgs) == 0 {
		return nil, err
	}
	return &analyzer.Result{Packages: pkgs}, err
}

// AnalyzeReaderAt implements analyzer.ReaderAtAnalyzer: a host's archives
// (and large ones the layer walker spooled) are read in place.
func (javaAnalyzer) AnalyzeReaderAt(ctx context.Context, p string, r io.ReaderAt, size int64) (*analyzer.Result, error) {
	pkgs, err := ParseArchiveAt(ctx, p, r, size)
	if len(pkgs) == 0 {
		return nil, err
	}
	return &analyzer.Result{Packages: pkgs}, err
}

// ErrMalformed is wrapped by errors about archives that cannot be read.
var ErrMalformed = errors.New("malformed Java archive")

// ParseArchive returns the artifacts of the archive at p and of the
// archives nested in it. A nested archive's packages have Path
// "OUTER!/INNER" (the jar: URL convention, e.g.
// "app.war!/WEB-INF/lib/x.jar"). A broken nested archive does not hide the
// rest: its error is returned along with everything else found.
func ParseArchive(ctx context.Context, p string, content []byte) ([]report.Package, error) {
	return ParseArchiveAt(ctx, p, bytes.NewReader(content), int64(len(content)))
}

// ParseArchiveAt is ParseArchive for an archive with random access (a
// file): only its central directory and the entries that matter are read,
// not the whole archive.
func ParseArchiveAt(ctx context.Context, p string, r io.ReaderAt, size int64) ([]report.Package, error) {
	w := walker{ctx: ctx, seen: map[string]bool{}}
	if err := w.archive(p, r, size, 0); err != nil {
		return w.pkgs, err
	}
	return w.pkgs, errors.Join(w.errs...)
}

type walker struct {
	ctx      context.Context
	inflated int64
	pkgs     []report.Package
	seen     map[string]bool
	errs     []error
}

func (w *walker) archive(p string, r io.ReaderAt, size int64, depth int) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	zr, err := zip.NewReader(r, size)
	if errors.Is(err, zip.ErrInsecurePath) && zr != nil {
		// Entry names with ".." matter to extractors, not to a reader.
		err = nil
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, p, err)
	}
	var (
		poms     []*zip.File
		manifest *zip.File
		nested   []*zip.File
	)
	for _, f := range zr.File {
		name := f.Name
		switch {
		case strings.HasPrefix(name, "META-INF/maven/") && path.Base(name) == "pom.properties":
			poms = append(poms, f)
		case strings.EqualFold(name, "META-INF/MANIFEST.MF"):
			manifest = f
		case isArchive(name) && !f.FileInfo().IsDir():
			nested = append(nested, f)
		}
	}
	// Deterministic output whatever the zip's entry order.
	sort.Slice(poms, func(i, j int) bool { return poms[i].Name < poms[j].Name })

	found := false
	for _, f := range poms {
		b, err := readSmall(f)
		if err != nil {
			w.errs = append(w.errs, fmt.Errorf("%s!/%s: %w", p, f.Name, err))
			continue
		}
		props := parseProperties(b)
		g, a, v := props["groupId"], props["artifactId"], props["version"]
		if g == "" || a == "" || v == "" {
			continue
		}
		w.add(p, g, a, v)
		found = true
	}
	if !found && manifest != nil {
		if b, err := readSmall(manifest); err != nil {
			w.errs = append(w.errs, fmt.Errorf("%s!/%s: %w", p, manifest.Name, err))
		} else if g, a, v := fromManifest(parseManifest(b), path.Base(p)); a != "" && v != "" {
			w.add(p, g, a, v)
		}
	}

	if depth+1 > maxDepth {
		return nil
	}
	for _, f := range nested {
		size := int64(f.UncompressedSize64)
		if f.UncompressedSize64 > maxSize || w.inflated+size > maxInflated {
			w.errs = append(w.errs, fmt.Errorf("%s!/%s: nested archives expand past %d bytes, not read", p, f.Name, int64(maxInflated)))
			continue
		}
		b, err := readLimited(f, size)
		if err != nil {
			w.errs = append(w.errs, fmt.Errorf("%s!/%s: %w", p, f.Name, err))
			continue
		}
		w.inflated += int64(len(b))
		if err := w.archive(p+"!/"+f.Name, bytes.NewReader(b), int64(len(b)), depth+1); err != nil {
			if w.ctx.Err() != nil {
				return err
			}
			w.errs = append(w.errs, err)
		}
	}
	return nil
}

func (w *walker) add(p, group, artifact, version string) {
	key := p + "\x00" + group + ":" + artifact + "@" + version
	if w.seen[key] {
		return
	}
	w.seen[key] = true
	name := artifact
	if group != "" {
		name = group + ":" + artifact
	}
	u := packageurl.NewPackageURL(packageurl.TypeMaven, group, artifact, version, nil, "")
	w.pkgs = append(w.pkgs, report.Package{Name: name, Version: version, Type: report.TypeMaven, Path: p, PURL: u.ToString()})
}

func readSmall(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxSmallFile {
		return nil, fmt.Errorf("%d bytes, over the %d-byte limit", f.UncompressedSize64, maxSmallFile)
	}
	return readLimited(f, int64(f.UncompressedSize64))
}

// readLimited reads a zip entry, trusting its declared size only as an
// upper bound: a lying header cannot make it read more.
func readLimited(f *zip.File, size int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, size+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > size {
		return nil, fmt.Errorf("%w: entry larger than its declared %d bytes", ErrMalformed, size)
	}
	return b, nil
}

// parseProperties reads the key=value lines of a Java properties file as
// Maven writes pom.properties: comments start with # or !, and separators
// are "=" or ":". Escapes and continuation lines do not occur in Maven's
// output and are not interpreted; no properties library is in the module
// graph for three keys.
func parseProperties(b []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxSmallFile)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i <= 0 {
			continue
		}
		m[strings.TrimSpace(line[:i])] = strings.TrimSpace(line[i+1:])
	}
	return m
}

// parseManifest reads the main section of a MANIFEST.MF: "Name: value"
// lines, continued by lines starting with one space, up to the first empty
// line (per-entry sections follow it).
func parseManifest(b []byte) map[string]string {
	m := map[string]string{}
	var key string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxSmallFile)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break
		}
		if line[0] == ' ' {
			if key != "" {
				m[key] += line[1:]
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			key = ""
			continue
		}
		key = strings.TrimSpace(k)
		m[key] = strings.TrimSpace(v)
	}
	return m
}

// artifactFile matches "name-1.2.3.jar" style file names.
var artifactFile = regexp.MustCompile(`^(.+?)-(\d[^-]*(?:-[A-Za-z0-9.]+)*)\.(?i:jar|war|ear)$`)

// fromManifest derives coordinates from a manifest, for archives built
// without Maven metadata:
//   - version: Implementation-Version, else Bundle-Version, else the file
//     name's version;
//   - artifact: Implementation-Title when it reads like an artifact id (no
//     spaces), else the file name without version and extension;
//   - group: Implementation-Vendor-Id, else none, and the Name is the bare
//     artifact, which Maven advisories cannot match but the inventory
//     still lists. Bundle-SymbolicName is not used: it names the group in
//     some projects (com.fasterxml.jackson.core.jackson-databind) and not
//     in others (com.google.guava for com.google.guava:guava), and a
//     wrong group is worse than none.
func fromManifest(m map[string]string, file string) (group, artifact, version string) {
	var fileArtifact, fileVersion string
	if sm := artifactFile.FindStringSubmatch(file); sm != nil {
		fileArtifact, fileVersion = sm[1], sm[2]
	} else {
		fileArtifact = strings.TrimSuffix(file, path.Ext(file))
	}
	version = firstNonEmpty(m["Implementation-Version"], m["Bundle-Version"], fileVersion)
	artifact = fileArtifact
	if t := m["Implementation-Title"]; t != "" && !strings.ContainsAny(t, " \t") {
		artifact = t
	}
	group = m["Implementation-Vendor-Id"]
	if strings.ContainsAny(group, " \t/") {
		group = ""
	}
	return group, artifact, version
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
