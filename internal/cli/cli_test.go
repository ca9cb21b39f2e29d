package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, environ map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{Env: cmdio.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return environ[k] }}}
	code := run(context.Background(), args, e)
	return result{code, out.String(), errb.String()}
}

func decode(t *testing.T, s string) *report.Report {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(s), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, s)
	}
	return &rep
}

// alpineDB builds a database from the Alpine secdb subset.
func alpineDB(t *testing.T) string {
	t.Helper()
	src := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	out := filepath.Join(t.TempDir(), "alpine.db")
	if _, err := vulndbbuild.Build(context.Background(), out, []string{src}, vulndbbuild.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	return out
}

// goOnlyDB builds a database that knows the Go ecosystem only.
func goOnlyDB(t *testing.T) string {
	t.Helper()
	src := testutil.Data(t, "advisories", "osv-go-vulndb.tar.gz")
	out := filepath.Join(t.TempDir(), "go.db")
	if _, err := vulndbbuild.Build(context.Background(), out, []string{src}, vulndbbuild.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkAnswers compares findings, as (origin, installed, fixed, CVE) rows,
// with the answer list for Alpine 3.20.3 against the secdb subset: the same
// rows, no more, no fewer. Findings are per binary package; the answers are
// per origin.
func checkAnswers(t *testing.T, vulns []report.Vulnerability) {
	t.Helper()
	b, err := os.ReadFile(testutil.Data(t, "answers", "alpine-3.20.3-secdb-subset.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, ln := range strings.Split(string(b), "\n") {
		if ln != "" && !strings.HasPrefix(ln, "#") {
			want[strings.Join(strings.Fields(ln), " ")] = true
		}
	}
	got := map[string]bool{}
	for _, v := range vulns {
		cve := v.ID
		for _, a := range v.Aliases {
			if strings.HasPrefix(a, "CVE-") {
				cve = a
			}
		}
		got[strings.Join([]string{v.SourceName, v.InstalledVersion, v.FixedVersion, cve}, " ")] = true
	}
	for r := range want {
		if !got[r] {
			t.Errorf("missing finding %q", r)
		}
	}
	for r := range got {
		if !want[r] {
			t.Errorf("unexpected finding %q", r)
		}
	}
}

func TestScanArchivesAgree(t *testing.T) {
	docker := testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.docker.tar")
	oci := testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.oci.tar")
	var reps []*report.Report
	for _, ref := range []string{"docker-archive:" + docker, "oci-archive:" + oci} {
		r := runCLI(t, nil, "scan", "--skip-db", "-q", "--format", "json", ref)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", ref, r.code, r.stderr)
		}
		rep := decode(t, r.stdout)
		if rep.Image.Reference != ref || len(rep.Image.Layers) != 4 || rep.OS == nil || rep.OS.ID != "alpine" {
			t.Fatalf("%s: image %+v os %+v", ref, rep.Image, rep.OS)
		}
		reps = append(reps, rep)
	}
	if len(reps[0].Packages) == 0 || len(reps[0].Packages) != len(reps[1].Packages) {
		t.Fatalf("docker-archive found %d packages, oci-archive %d", len(reps[0].Packages), len(reps[1].Packages))
	}
	for i := range reps[0].Packages {
		a, b := reps[0].Packages[i], reps[1].Packages[i]
		if a.Name != b.Name || a.Version != b.Version || a.LayerCreatedBy != b.LayerCreatedBy {
			t.Fatalf("package %d differs: %+v vs %+v", i, a, b)
		}
	}
}

func TestScanMatchesAndExitCodes(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	dir := t.TempDir()
	archive := filepath.Join(dir, "alpine.tar")
	img := imagetest.FromRootFS(t, rootfs)
	tag, _ := name.NewTag("test/alpine:3.20.3")
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}
	ref := "docker-archive:" + archive
	db := alpineDB(t)

	r := runCLI(t, nil, "scan", "-q", "--db", db, "--format", "json", ref)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rep := decode(t, r.stdout)
	checkAnswers(t, rep.Vulnerabilities)
	if rep.DB == nil || rep.DB.Digest == "" {
		t.Errorf("report does not name its database: %+v", rep.DB)
	}

	tests := []struct {
		name    string
		args    []string
		code    int
		stderr  string
		nvulns  int // -1: don't check
		results bool
	}{
		{"exit code on findings", []string{"--exit-code", "3"}, 3, "", -1, false},
		{"severity filter leaves nothing", []string{"--exit-code", "3", "--severity", "NEGLIGIBLE"}, 0, "", 0, false},
		{"table output", []string{"--format", "table"}, 0, "", -1, false},
		{"results dir", []string{"--results-dir", filepath.Join(dir, "results")}, 0, "", -1, true},
		{"bad severity is usage", []string{"--severity", "SEVERE"}, ExitUsage, "unknown severity", -1, false},
		{"bad format is usage", []string{"--format", "xml"}, ExitUsage, "--format", -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"scan", "-q", "--db", db}, tc.args...)
			r := runCLI(t, nil, append(args, ref)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d stderr %q; want %d containing %q", r.code, r.stderr, tc.code, tc.stderr)
			}
			if tc.nvulns >= 0 && strings.HasPrefix(strings.TrimSpace(r.stdout), "{") {
				if got := len(decode(t, r.stdout).Vulnerabilities); got != tc.nvulns {
					t.Errorf("%d findings, want %d", got, tc.nvulns)
				}
			}
			if tc.results {
				b, err := os.ReadFile(filepath.Join(dir, "results", resultFile))
				if err != nil {
					t.Fatal(err)
				}
				if got := decode(t, string(b)); len(got.Packages) != len(rep.Packages) {
					t.Errorf("results file has %d packages, want %d", len(got.Packages), len(rep.Packages))
				}
			}
		})
	}

	// A database without Alpine data must not make the image look clean.
	r = runCLI(t, nil, "scan", "-q", "--db", goOnlyDB(t), "--format", "json", ref)
	if r.code != ExitIncomplete || !strings.Contains(r.stderr, "Alpine:v3.20") {
		t.Fatalf("go-only db: exit %d stderr %q; want %d naming Alpine:v3.20", r.code, r.stderr, ExitIncomplete)
	}
}

func TestScanErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.tar")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"no image", []string{"scan"}, ExitUsage, []string{"IMAGE"}},
		{"missing archive", []string{"scan", "--skip-db", "docker-archive:" + missing}, ExitError, []string{missing}},
		{"missing database", []string{"scan", "--db", missing, "docker-archive:" + missing}, ExitError, []string{"no vulnerability database", missing}},
		{"unreachable registry", []string{"scan", "--skip-db", "--timeout", "20s", "127.0.0.1:1/nothing/here:1"}, ExitError, []string{"127.0.0.1:1/nothing/here:1"}},
		{"unknown flag", []string{"scan", "--frobnicate", "x"}, ExitUsage, []string{"unknown flag"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, nil, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q lacks %q", r.stderr, s)
				}
			}
			if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n > 0 {
				t.Errorf("error is %d lines, want one: %q", n+1, r.stderr)
			}
		})
	}
}

func TestOnDemandRef(t *testing.T) {
	tests := []struct {
		env      map[string]string
		ref      string
		insecure bool
		err      string
	}{
		{map[string]string{"SCANNER_REPOSITORY": "ubuntu", "SCANNER_TAG": "16.04"}, "docker:ubuntu:16.04", false, ""},
		{map[string]string{"SCANNER_REPOSITORY": "ubuntu"}, "docker:ubuntu:latest", false, ""},
		{map[string]string{"SCANNER_REGISTRY": "https://registry.hub.docker.com/", "SCANNER_REPOSITORY": "library/ubuntu", "SCANNER_TAG": "16.04"}, "index.docker.io/library/ubuntu:16.04", false, ""},
		{map[string]string{"SCANNER_REGISTRY": "http://127.0.0.1:5000", "SCANNER_REPOSITORY": "team/app", "SCANNER_TAG": "sha256:abc"}, "127.0.0.1:5000/team/app@sha256:abc", true, ""},
		{map[string]string{"SCANNER_REGISTRY": "reg.example:5000", "SCANNER_REPOSITORY": "app", "SCANNER_TAG": "1"}, "reg.example:5000/app:1", false, ""},
		{map[string]string{"SCANNER_TAG": "1"}, "", false, "SCANNER_REPOSITORY"},
	}
	for _, tc := range tests {
		ref, insecure, err := onDemandRef(func(k string) string { return tc.env[k] })
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: err %v, want %q", tc.env, err, tc.err)
			}
			continue
		}
		if err != nil || ref != tc.ref || insecure != tc.insecure {
			t.Errorf("%v: got %q %v %v, want %q %v", tc.env, ref, insecure, err, tc.ref, tc.insecure)
		}
	}
}

// The NeuVector invocation: no arguments, everything from the environment,
// the report in the results directory.
func TestOnDemandRegistry(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	host := imagetest.Registry(t)
	imagetest.Push(t, imagetest.FromRootFS(t, rootfs), host+"/team/alpine:3.20.3")
	results := t.TempDir()
	environ := map[string]string{
		"SCANNER_ON_DEMAND":     "true",
		"SCANNER_REGISTRY":      "http://" + host,
		"SCANNER_REPOSITORY":    "team/alpine",
		"SCANNER_TAG":           "3.20.3",
		"SCANNER_SCAN_LAYERS":   "true",
		"SCANFLEET_RESULTS_DIR": results,
		"SCANFLEET_DB":          alpineDB(t),
	}
	r := runCLI(t, environ)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(results, resultFile))
	if err != nil {
		t.Fatal(err)
	}
	rep := decode(t, string(b))
	if rep.Image.Reference != host+"/team/alpine:3.20.3" {
		t.Fatalf("reference %q", rep.Image.Reference)
	}
	checkAnswers(t, rep.Vulnerabilities)
	if len(rep.Image.Layers[0].Vulnerabilities) != len(rep.Vulnerabilities) {
		t.Errorf("SCANNER_SCAN_LAYERS: layer view has %d findings, want %d", len(rep.Image.Layers[0].Vulnerabilities), len(rep.Vulnerabilities))
	}

	// An unknown tag fails with a reason, and writes no result.
	environ["SCANNER_TAG"] = "nope"
	environ["SCANFLEET_RESULTS_DIR"] = t.TempDir()
	r = runCLI(t, environ)
	if r.code != ExitError || !strings.Contains(r.stderr, "team/alpine:nope") {
		t.Fatalf("unknown tag: exit %d stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(environ["SCANFLEET_RESULTS_DIR"], resultFile)); err == nil {
		t.Error("a failed scan wrote a result")
	}
}

// sbom IMAGE, then scan sbom:FILE: the same findings without the image; and
// --vex removes what a statement says does not apply.
func TestSBOMRoundTripAndVEX(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	dir := t.TempDir()
	archive := filepath.Join(dir, "alpine.tar")
	tag, _ := name.NewTag("test/alpine:3.20.3")
	if err := tarball.WriteToFile(archive, tag, imagetest.FromRootFS(t, rootfs)); err != nil {
		t.Fatal(err)
	}
	db := alpineDB(t)
	for _, format := range []string{"cyclonedx", "spdx"} {
		t.Run(format, func(t *testing.T) {
			sbomFile := filepath.Join(dir, "alpine."+format+".json")
			if r := runCLI(t, nil, "sbom", "-q", "--format", format, "-o", sbomFile, "docker-archive:"+archive); r.code != 0 {
				t.Fatalf("sbom: exit %d: %s", r.code, r.stderr)
			}
			r := runCLI(t, nil, "scan", "--db", db, "--format", "json", "sbom:"+sbomFile)
			if r.code != 0 {
				t.Fatalf("scan sbom: exit %d: %s", r.code, r.stderr)
			}
			checkAnswers(t, decode(t, r.stdout).Vulnerabilities)
		})
	}

	vexDoc := filepath.Join(dir, "vex.json")
	doc := `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/cli","author":"test","timestamp":"2025-01-01T00:00:00Z","version":1,
	  "statements":[{"vulnerability":{"name":"CVE-2024-9143"},"products":[{"@id":"pkg:apk/alpine/libcrypto3"},{"@id":"pkg:apk/alpine/libssl3"}],
	  "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}]}`
	if err := os.WriteFile(vexDoc, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "scan", "-q", "--db", db, "--vex", vexDoc, "--format", "json", "docker-archive:"+archive)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rep := decode(t, r.stdout)
	if len(rep.Suppressed) == 0 {
		t.Fatal("no finding suppressed")
	}
	for _, s := range rep.Suppressed {
		if s.Vulnerability.ID != "CVE-2024-9143" || s.Status != "not_affected" {
			t.Errorf("suppressed %+v, want only CVE-2024-9143 as not_affected", s)
		}
	}
	for _, v := range rep.Vulnerabilities {
		if v.ID == "CVE-2024-9143" {
			t.Errorf("CVE-2024-9143 still reported on %s", v.Package)
		}
	}
	if r := runCLI(t, nil, "scan", "-q", "--db", db, "--vex", filepath.Join(dir, "none.json"), "docker-archive:"+archive); r.code != ExitError || !strings.Contains(r.stderr, "none.json") {
		t.Errorf("missing VEX file: exit %d stderr %q", r.code, r.stderr)
	}
}

// TestMain keeps the layer cache of these tests out of the user's cache.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "scanfleet-cli-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Every edge-case archive (whiteouts, symlink attacks and cycles, path
// escapes, missing or null manifests, bundles) gives a report or a one-line
// error naming the image: never a panic, never a hang.
func TestScanEdgeCaseArchives(t *testing.T) {
	var files []string
	for _, dir := range []string{"ggcr", "scalibr"} {
		m, err := filepath.Glob(filepath.Join(testutil.Data(t, "image-edgecases", dir), "*.tar"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 30 {
		t.Fatalf("found %d edge-case archives, want the 32 of the test data", len(files))
	}
	reports := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			ref := "docker-archive:" + f
			r := runCLI(t, nil, "scan", "-q", "--skip-db", "--no-cache", "--timeout", "30s", "--format", "json", ref)
			switch r.code {
			case 0:
				rep := decode(t, r.stdout)
				if rep.Image == nil || rep.Image.Reference != ref {
					t.Fatalf("report names %+v, want %s", rep.Image, ref)
				}
				reports++
			case ExitError:
				msg := strings.TrimSpace(r.stderr)
				if strings.Contains(msg, "\n") || !strings.Contains(msg, f) {
					t.Fatalf("error %q: want one line naming the image", msg)
				}
			default:
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
	if reports == 0 {
		t.Fatal("no edge-case archive produced a report")
	}
}

// Debian end to end: the 14 (source, installed, fixed, CVE) rows of the
// answer list, written as OSV records for Debian:12, built into a database,
// and matched through a scan of the real bookworm root filesystem. Every
// row must come back, on the source package's binaries, and nothing else.
func TestScanDebianAnswers(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "debian-bookworm-minbase.tar.gz")
	b, err := os.ReadFile(testutil.Data(t, "answers", "debian-bookworm-minbase-security-changelogs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	osvDir := filepath.Join(dir, "osv")
	if err := os.Mkdir(osvDir, 0o755); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for i, ln := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Fields(ln)
		if len(f) != 4 {
			t.Fatalf("answer row %q", ln)
		}
		want[strings.Join(f, " ")] = true
		rec := map[string]any{
			"schema_version": "1.6.0", "id": fmt.Sprintf("DEBIAN-TEST-%d", i), "aliases": []string{f[3]},
			"modified": "2026-01-01T00:00:00Z",
			"affected": []any{map[string]any{
				"package": map[string]any{"ecosystem": "Debian:12", "name": f[0]},
				"ranges":  []any{map[string]any{"type": "ECOSYSTEM", "events": []any{map[string]any{"introduced": "0"}, map[string]any{"fixed": f[2]}}}},
			}},
		}
		js, _ := json.Marshal(rec)
		if err := os.WriteFile(filepath.Join(osvDir, fmt.Sprintf("rec-%d.json", i)), js, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "debian.db")
	if r := runCLI(t, nil, "db", "build", "--out", db, osvDir); r.code != 0 {
		t.Fatalf("db build: exit %d: %s", r.code, r.stderr)
	}
	archive := filepath.Join(dir, "debian.tar")
	tag, _ := name.NewTag("test/debian:12")
	if err := tarball.WriteToFile(archive, tag, imagetest.FromRootFS(t, rootfs)); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "scan", "-q", "--db", db, "--format", "json", "docker-archive:"+archive)
	if r.code != 0 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	rep := decode(t, r.stdout)
	got := map[string]bool{}
	binaries := map[string]map[string]bool{} // source -> binaries with findings
	for _, v := range rep.Vulnerabilities {
		cve := ""
		for _, a := range v.Aliases {
			if strings.HasPrefix(a, "CVE-") {
				cve = a
			}
		}
		src := v.SourceName
		got[strings.Join([]string{src, v.InstalledVersion, v.FixedVersion, cve}, " ")] = true
		if binaries[src] == nil {
			binaries[src] = map[string]bool{}
		}
		binaries[src][v.Package] = true
	}
	for r := range want {
		if !got[r] {
			t.Errorf("missing %q", r)
		}
	}
	for r := range got {
		if !want[r] {
			t.Errorf("unexpected %q", r)
		}
	}
	// Each source's findings sit on every installed binary built from it.
	for _, p := range rep.Packages {
		if _, ok := binaries[p.SourceName]; ok && p.Type == "deb" && !binaries[p.SourceName][p.Name] {
			t.Errorf("binary %s of %s has no finding", p.Name, p.SourceName)
		}
	}
}

// docker:NAME from a real engine is analysed from the save stream as it
// passes: the same report as the archive the image was loaded from, and no
// copy of the image on disk.
func TestScanDockerEngineStreams(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_DOCKER_HOST")
	name := testutil.Service(t, "SCANFLEET_TEST_DOCKER_IMAGE")
	archive := testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.docker.tar")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	fromEngine := runCLI(t, nil, "scan", "-q", "--skip-db", "--no-cache", "--docker-host", host, "--format", "json", "docker:"+name)
	if fromEngine.code != 0 {
		t.Fatalf("docker: exit %d: %s", fromEngine.code, fromEngine.stderr)
	}
	fromFile := runCLI(t, nil, "scan", "-q", "--skip-db", "--no-cache", "--format", "json", "docker-archive:"+archive)
	if fromFile.code != 0 {
		t.Fatalf("docker-archive: exit %d: %s", fromFile.code, fromFile.stderr)
	}
	a, b := decode(t, fromEngine.stdout), decode(t, fromFile.stdout)
	if a.Image.Digest != b.Image.Digest || len(a.Packages) == 0 || len(a.Packages) != len(b.Packages) {
		t.Fatalf("engine: %s, %d packages; archive: %s, %d packages", a.Image.Digest, len(a.Packages), b.Image.Digest, len(b.Packages))
	}
	for i := range a.Packages {
		pa, pb := a.Packages[i], b.Packages[i]
		if pa.Name != pb.Name || pa.Version != pb.Version || pa.Layer != pb.Layer || pa.LayerCreatedBy != pb.LayerCreatedBy {
			t.Fatalf("package %d: engine %+v, archive %+v", i, pa, pb)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the engine scan left %d files in TMPDIR", len(left))
	}
	r := runCLI(t, nil, "scan", "-q", "--skip-db", "--docker-host", host, "docker:no/such-image:1")
	if r.code != ExitError || !strings.Contains(r.stderr, "no/such-image:1") {
		t.Errorf("missing image: exit %d stderr %q", r.code, r.stderr)
	}
}

// A registry with TLS (our own CA) and basic auth, the password given on
// standard input: the scan works, and a wrong password is a one-line
// error that does not echo the password.
func TestScanTLSRegistryWithAuth(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS")
	ca := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS_CA")
	user := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_USER")
	pass := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_PASSWORD")
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.19.4-x86_64.tar.gz")
	ref := host + "/cli-test/alpine:3.19.4"
	imagetest.PushTLS(t, imagetest.FromRootFS(t, rootfs), ref, ca, user, pass)

	scanWith := func(password string) result {
		var out, errb bytes.Buffer
		e := &env{Env: cmdio.Env{Stdin: strings.NewReader(password + "\n"), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}}
		code := run(context.Background(), []string{"scan", "-q", "--skip-db", "--no-cache", "--ca-cert", ca, "-u", user, "--password-stdin", "--format", "json", ref}, e)
		return result{code, out.String(), errb.String()}
	}
	r := scanWith(pass)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if rep := decode(t, r.stdout); rep.OS == nil || rep.OS.VersionID != "3.19.4" || len(rep.Packages) == 0 {
		t.Fatalf("report: os %+v, %d packages", rep.OS, len(rep.Packages))
	}
	wrong := "not-" + pass + "-at-all"
	r = scanWith(wrong)
	if r.code != ExitError || !strings.Contains(r.stderr, ref) || strings.Contains(r.stderr, wrong) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("wrong password: exit %d stderr %q", r.code, r.stderr)
	}
}
