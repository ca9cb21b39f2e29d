// Package genroot writes a synthetic root filesystem of any size for host
// scan tests and benchmarks: a Debian-like tree whose dpkg database lists
// the packages whose files it installs (executables among them), Node
// projects with node_modules trees, Python dist-packages, Java archives,
// Go executables (copies of a real one), plus the download caches and
// container engine storage a host scan skips by default. Everything is
// deterministic for a given Options.
package genroot

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Options size and furnish the tree.
type Options struct {
	// Units scales the tree: each unit adds about 880 entries (4 dpkg
	// packages, a 40-package node_modules tree, 5 Python distributions, a
	// jar, header-like files), and every 20th unit a Go executable.
	Units int
	// GoBinary is copied as the Go executables (default: this program).
	GoBinary string
	// ELFBinary is hard-linked as each dpkg package's (non-Go) executable
	// (default /bin/true; none when absent).
	ELFBinary string
}

// Stats counts what Generate wrote.
type Stats struct {
	Entries                                   int
	Debs, NotInstalled, Npm, Python, Jars, Go int
}

type gen struct {
	root  string
	stats Stats
	dirs  map[string]bool
}

// Generate writes the tree under dir, which must exist and be empty.
func Generate(dir string, o Options) (Stats, error) {
	if o.Units <= 0 {
		return Stats{}, errors.New("genroot: Units must be positive")
	}
	if o.GoBinary == "" {
		exe, err := os.Executable()
		if err != nil {
			return Stats{}, fmt.Errorf("genroot: finding a Go executable to copy: %w", err)
		}
		o.GoBinary = exe
	}
	if o.ELFBinary == "" {
		o.ELFBinary = "/bin/true"
	}
	if _, err := os.Stat(o.ELFBinary); err != nil {
		o.ELFBinary = ""
	}
	g := &gen{root: dir, dirs: map[string]bool{}}
	if err := g.run(o); err != nil {
		return g.stats, fmt.Errorf("genroot %s: %w", dir, err)
	}
	return g.stats, nil
}

func (g *gen) mkdir(rel string) error {
	if rel == "." || rel == "" || g.dirs[rel] {
		return nil
	}
	if err := g.mkdir(filepath.Dir(rel)); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(g.root, rel), 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	g.dirs[rel] = true
	g.stats.Entries++
	return nil
}

func (g *gen) write(rel, content string, mode os.FileMode) error {
	return g.writeBytes(rel, []byte(content), mode)
}

func (g *gen) writeBytes(rel string, content []byte, mode os.FileMode) error {
	if err := g.mkdir(filepath.Dir(rel)); err != nil {
		return err
	}
	g.stats.Entries++
	return os.WriteFile(filepath.Join(g.root, rel), content, mode)
}

func (g *gen) copyFile(src, rel string, link bool) error {
	if err := g.mkdir(filepath.Dir(rel)); err != nil {
		return err
	}
	g.stats.Entries++
	dst := filepath.Join(g.root, rel)
	if link {
		if err := os.Link(src, dst); err == nil {
			return nil
		}
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func (g *gen) run(o Options) error {
	osRelease := "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
	if err := g.write("usr/lib/os-release", osRelease, 0o644); err != nil {
		return err
	}
	if err := g.write("etc/debian_version", "12.8\n", 0o644); err != nil {
		return err
	}
	var status strings.Builder
	for u := range o.Units {
		if err := g.unit(o, u, &status); err != nil {
			return err
		}
	}
	if err := g.write("var/lib/dpkg/status", status.String(), 0o644); err != nil {
		return err
	}
	return g.skippable()
}

// unit writes one unit of the tree (see Options.Units).
func (g *gen) unit(o Options, u int, status *strings.Builder) error {
	for k := range 4 {
		if err := g.deb(o, u*4+k, status); err != nil {
			return err
		}
	}
	if err := g.nodeProject(u); err != nil {
		return err
	}
	for k := range 5 {
		if err := g.python(u*5 + k); err != nil {
			return err
		}
	}
	if err := g.jarFile(u); err != nil {
		return err
	}
	if u%20 == 0 {
		if err := g.copyFile(o.GoBinary, fmt.Sprintf("usr/local/bin/gotool-%d", u/20), false); err != nil {
			return err
		}
		g.stats.Go++
	}
	// Headers, locales, icons: files no analyzer wants, the bulk of a
	// real root.
	for k := range 300 {
		rel := fmt.Sprintf("usr/include/synth%d/sub%d/h%03d.h", u, k/50, k)
		if err := g.write(rel, "/* header */\n", 0o644); err != nil {
			return err
		}
	}
	return nil
}

// deb writes one dpkg package: its files, its file list and its status
// stanza. Every 16th is removed with its configuration kept ("deinstall
// ok config-files"): listed, not installed.
func (g *gen) deb(o Options, i int, status *strings.Builder) error {
	name := fmt.Sprintf("libsynth%d", i)
	version := fmt.Sprintf("%d.%d.%d-%d", 1+i%5, i%13, i%7, 1+i%3)
	installed := i%16 != 15
	var files []string
	if installed {
		for k := range 8 {
			files = append(files, fmt.Sprintf("usr/lib/x86_64-linux-gnu/%s/mod%d.so.data", name, k))
		}
		files = append(files, "usr/share/doc/"+name+"/copyright", "usr/share/doc/"+name+"/changelog.Debian.gz")
		for _, f := range files {
			if err := g.write(f, name+"\n", 0o644); err != nil {
				return err
			}
		}
		if o.ELFBinary != "" {
			bin := "usr/bin/" + name + "-tool"
			if err := g.copyFile(o.ELFBinary, bin, true); err != nil {
				return err
			}
			files = append(files, bin)
		}
		var list strings.Builder
		for _, f := range files {
			list.WriteString("/" + f + "\n")
		}
		if err := g.write("var/lib/dpkg/info/"+name+":amd64.list", list.String(), 0o644); err != nil {
			return err
		}
		g.stats.Debs++
	} else {
		g.stats.NotInstalled++
	}
	state := "install ok installed"
	if !installed {
		state = "deinstall ok config-files"
	}
	fmt.Fprintf(status, "Package: %s\nStatus: %s\nPriority: optional\nSection: libs\nInstalled-Size: %d\nMaintainer: Synthetic <synth@example.org>\nArchitecture: amd64\nMulti-Arch: same\nSource: synth-src%d (%s)\nVersion: %s\nDescription: synthetic library %d\n more text\n\n",
		name, state, 10+i%100, i/2, version, version, i)
	return nil
}

// nodeProject writes an application with a 40-package node_modules tree
// (one scoped package, one nested node_modules), each package with its
// sources.
func (g *gen) nodeProject(u int) error {
	app := fmt.Sprintf("srv/app%d", u)
	if err := g.write(app+"/package.json", fmt.Sprintf(`{"name":"app%d","version":"0.0.%d","private":true}`, u, u), 0o644); err != nil {
		return err
	}
	for k := range 40 {
		name := fmt.Sprintf("dep%d", (u*7+k)%300)
		dir := app + "/node_modules/" + name
		switch k {
		case 0:
			name = fmt.Sprintf("@scope%d/util", u%10)
			dir = app + "/node_modules/" + name
		case 39:
			name = fmt.Sprintf("inner%d", u%50)
			dir = app + "/node_modules/dep-outer/node_modules/" + name
		}
		version := fmt.Sprintf("%d.%d.%d", k%4, (u+k)%10, k%3)
		if err := g.write(dir+"/package.json", fmt.Sprintf(`{"name":%q,"version":%q,"main":"index.js","license":"MIT"}`, name, version), 0o644); err != nil {
			return err
		}
		for _, f := range []string{"index.js", "README.md", "LICENSE", "lib/a.js", "lib/b.js", "lib/c.js", "lib/d.js", "lib/e.js"} {
			if err := g.write(dir+"/"+f, "module.exports = {}\n", 0o644); err != nil {
				return err
			}
		}
		g.stats.Npm++
	}
	return nil
}

func (g *gen) python(i int) error {
	name := fmt.Sprintf("pysynth%d", i)
	version := fmt.Sprintf("%d.%d", 1+i%3, i%10)
	dist := fmt.Sprintf("usr/lib/python3/dist-packages/%s-%s.dist-info", name, version)
	meta := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: synthetic\n\nLong description.\n", name, version)
	if err := g.write(dist+"/METADATA", meta, 0o644); err != nil {
		return err
	}
	for _, f := range []string{"RECORD", "WHEEL", "top_level.txt", "INSTALLER"} {
		if err := g.write(dist+"/"+f, name+"\n", 0o644); err != nil {
			return err
		}
	}
	for k := range 8 {
		if err := g.write(fmt.Sprintf("usr/lib/python3/dist-packages/%s/m%d.py", name, k), "x = 1\n", 0o644); err != nil {
			return err
		}
	}
	g.stats.Python++
	return nil
}

// jarFile writes a small real jar with Maven coordinates and classes.
func (g *gen) jarFile(u int) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	group, artifact, version := fmt.Sprintf("org.synth%d", u%20), fmt.Sprintf("lib%d", u), fmt.Sprintf("2.%d.0", u%9)
	entries := map[string]string{
		"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n",
		"META-INF/maven/" + group + "/" + artifact + "/pom.properties": fmt.Sprintf("groupId=%s\nartifactId=%s\nversion=%s\n", group, artifact, version),
	}
	for k := range 20 {
		entries[fmt.Sprintf("org/synth/C%d.class", k)] = strings.Repeat("\xca\xfe\xba\xbe", 64)
	}
	for _, n := range sortedKeys(entries) {
		w, err := zw.Create(n)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, entries[n]); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	g.stats.Jars++
	return g.writeBytes(fmt.Sprintf("opt/javaapp/lib/%s-%s.jar", artifact, version), buf.Bytes(), 0o644)
}

// skippable writes what a host scan skips by default: a Go module cache
// (with a module's test data holding a package.json), an npm cache and a
// Docker data root with a container's layer holding a dpkg database.
func (g *gen) skippable() error {
	files := map[string]string{
		"root/go/pkg/mod/cache/download/example.com/m/@v/list":                            "v1.0.0\n",
		"root/go/pkg/mod/example.com/m@v1.0.0/testdata/node_modules/x/package.json":       `{"name":"cached-x","version":"1.0.0"}`,
		"root/.npm/_cacache/index-v5/00/package.json":                                     `{"name":"npm-cached","version":"1.0.0"}`,
		"var/lib/docker/image/overlay2/repositories.json":                                 "{}",
		"var/lib/docker/containers/abc/config.v2.json":                                    "{}",
		"var/lib/docker/overlay2/abc/diff/usr/lib/node_modules/in-container/package.json": `{"name":"in-container","version":"3.0.0"}`,
	}
	for _, rel := range sortedKeys(files) {
		if err := g.write(rel, files[rel], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
