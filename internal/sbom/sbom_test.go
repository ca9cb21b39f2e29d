package sbom

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/output/cyclonedx"
	"github.com/scanfleet/scanfleet/internal/output/spdx"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

type writer func(io.Writer, *report.Report) error

var writers = []struct {
	name  string
	write writer
}{{"cyclonedx", cyclonedx.Write}, {"spdx", spdx.Write}}

// The inventory survives report -> SBOM -> Read, in both formats, for
// the real Alpine and Debian scans.
func TestRoundTrip(t *testing.T) {
	for _, src := range []struct {
		name string
		rep  func(testing.TB) *report.Report
	}{{"alpine", reporttest.Alpine}, {"debian", reporttest.Debian}, {"languages", languages}} {
		rep := src.rep(t)
		for _, w := range writers {
			t.Run(src.name+"/"+w.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := w.write(&buf, rep); err != nil {
					t.Fatal(err)
				}
				osInfo, pkgs, ref, err := Read(&buf)
				if err != nil {
					t.Fatal(err)
				}
				if ref != rep.Image.Reference {
					t.Errorf("image ref %q, want %q", ref, rep.Image.Reference)
				}
				if osInfo == nil || osInfo.ID != rep.OS.ID || osInfo.VersionID != rep.OS.VersionID || osInfo.PrettyName != rep.OS.PrettyName {
					t.Errorf("os %+v, want %+v", osInfo, rep.OS)
				}
				if len(pkgs) != len(rep.Packages) {
					t.Fatalf("%d packages, want %d", len(pkgs), len(rep.Packages))
				}
				for i, got := range pkgs {
					want := rep.Packages[i]
					want.PURL = got.PURL // computed on the way out
					if !reflect.DeepEqual(got, want) {
						t.Errorf("package %d:\n got %+v\nwant %+v", i, got, want)
					}
				}
			})
		}
	}
}

// languages is one package of each language ecosystem the analyzers
// report, with the names the scan fixture image holds.
func languages(testing.TB) *report.Report {
	return &report.Report{
		Image: &report.Image{Reference: "oci-archive:/x/scan-fixture.oci.tar", Digest: "sha256:" + strings.Repeat("c", 64)},
		OS:    &report.OS{ID: "alpine", VersionID: "3.20.3", PrettyName: "Alpine Linux v3.20"},
		Packages: []report.Package{
			{Name: "golang.org/x/net", Version: "v0.7.0", Type: "go-module", Path: "usr/local/bin/app"},
			{Name: "stdlib", Version: "go1.21.0", Type: "go-module", Path: "usr/local/bin/app"},
			{Name: "lodash", Version: "4.17.15", Type: "npm", Path: "app/node_modules/lodash/package.json"},
			{Name: "@types/node", Version: "20.1.0", Type: "npm"},
			{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: "maven"},
			{Name: "cryptography", Version: "41.0.7", Type: "pypi", OwnedBy: "deb:python3-cryptography"},
			{Name: "serde", Version: "1.0.100", Type: "cargo"},
			{Name: "rack", Version: "2.2.3", Type: "gem"},
			{Name: "symfony/http-kernel", Version: "v5.4.0", Type: "composer"},
			{Name: "Newtonsoft.Json", Version: "13.0.1", Type: "nuget"},
		},
	}
}

// An SBOM another tool wrote: syft's CycloneDX and SPDX shapes (purls with
// upstream/distro qualifiers, no scanfleet properties, an SPDX 2.2
// PACKAGE_MANAGER category).
func TestReadForeign(t *testing.T) {
	const cdxDoc = `{
  "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "metadata": {"component": {"bom-ref": "x", "type": "container", "name": "alpine:3.20", "version": "sha256:beefed"}},
  "components": [
    {"bom-ref": "a", "type": "library", "name": "busybox-binsh", "version": "1.36.1-r29",
     "purl": "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&upstream=busybox&distro=alpine-3.20.3",
     "properties": [{"name": "syft:package:type", "value": "apk"}]},
    {"bom-ref": "b", "type": "library", "name": "net", "version": "v0.7.0", "purl": "pkg:golang/golang.org/x/net@v0.7.0"},
    {"bom-ref": "c", "type": "file", "name": "/etc/passwd"},
    {"bom-ref": "d", "type": "library", "name": "bad", "purl": "not-a-purl"},
    {"type": "operating-system", "name": "alpine", "version": "3.20.3", "description": "Alpine Linux v3.20"}
  ]}`
	const spdxDoc = `{
  "spdxVersion": "SPDX-2.2", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "debian:12",
  "documentNamespace": "https://anchore.com/syft/image/debian-12",
  "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: syft-1.0.0"]},
  "packages": [
    {"SPDXID": "SPDXRef-DocumentRoot-Image-debian", "name": "debian", "versionInfo": "sha256:abc", "downloadLocation": "NOASSERTION"},
    {"SPDXID": "SPDXRef-Package-deb-libssl3", "name": "libssl3", "versionInfo": "3.0.15-1~deb12u1", "downloadLocation": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:libssl3:libssl3:3.0.15:*:*:*:*:*:*:*"},
                      {"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&upstream=openssl&distro=debian-12"}]}
  ],
  "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-DocumentRoot-Image-debian", "relationshipType": "DESCRIBES"}]}`
	tests := []struct {
		name    string
		doc     string
		wantOS  *report.OS
		wantRef string
		want    []report.Package
	}{
		{"syft cyclonedx", cdxDoc, &report.OS{ID: "alpine", VersionID: "3.20.3", PrettyName: "Alpine Linux v3.20"}, "alpine:3.20", []report.Package{
			{Name: "busybox-binsh", Version: "1.36.1-r29", Type: "apk", Arch: "x86_64", SourceName: "busybox", SourceVersion: "1.36.1-r29",
				PURL: "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&upstream=busybox&distro=alpine-3.20.3"},
			{Name: "golang.org/x/net", Version: "v0.7.0", Type: "go-module", PURL: "pkg:golang/golang.org/x/net@v0.7.0"},
		}},
		{"syft spdx 2.2", spdxDoc, &report.OS{ID: "debian", VersionID: "12"}, "debian", []report.Package{
			{Name: "libssl3", Version: "3.0.15-1~deb12u1", Type: "deb", Arch: "amd64", SourceName: "openssl", SourceVersion: "3.0.15-1~deb12u1",
				PURL: "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&upstream=openssl&distro=debian-12"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			osInfo, pkgs, ref, err := Read(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(osInfo, tc.wantOS) || ref != tc.wantRef || !reflect.DeepEqual(pkgs, tc.want) {
				t.Errorf("got os %+v ref %q pkgs\n %+v\nwant os %+v ref %q pkgs\n %+v", osInfo, ref, pkgs, tc.wantOS, tc.wantRef, tc.want)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	var good bytes.Buffer
	if err := cyclonedx.Write(&good, &report.Report{Packages: []report.Package{{Name: "a", Version: "1", Type: "npm"}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, doc, wantErr string
	}{
		{"empty", "", "not a JSON object"},
		{"not json", "<bom/>", "not a JSON object"},
		{"array", "[]", "not a JSON object"},
		{"other json", `{"hello": 1}`, ErrUnknownFormat.Error()},
		{"truncated cyclonedx", good.String()[:good.Len()/2], "not a JSON object"},
		{"cyclonedx wrong types", `{"bomFormat": "CycloneDX", "components": {"a": 1}}`, "decoding CycloneDX"},
		{"spdx wrong types", `{"spdxVersion": "SPDX-2.3", "packages": "x"}`, "decoding SPDX"},
		{"spdx unknown version", `{"spdxVersion": "SPDX-9.9"}`, "decoding SPDX"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := Read(strings.NewReader(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if _, _, _, err := Read(strings.NewReader(`{"x":1}`)); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("unknown format error %v is not ErrUnknownFormat", err)
	}
}

func TestReadFileNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.cdx.json")
	if err := os.WriteFile(p, []byte(`{"bomFormat": "CycloneDX", "components": 5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("err = %v, want it to name %s", err, p)
	}
	if _, _, _, err := ReadFile(p + ".missing"); err == nil {
		t.Error("missing file: no error")
	}
}

// fuzzSeeds renders small reports whose packages are copied from the real
// Alpine 3.20.3 and Debian 12 databases. They are not scanned here: a fuzz
// worker runs this setup fully instrumented, where a scan takes longer
// than the whole fuzzing budget (TestRoundTrip covers the full scans).
func fuzzSeeds(f *testing.F, w writer) {
	img := &report.Image{Reference: "alpine:3.20.3", Digest: "sha256:351df16c871d7f85975cbb590c6d45b1fa4592880ce0c1330d4bb7e0ae58a56e", Platform: "linux/amd64"}
	reps := []*report.Report{{
		Image: img, OS: &report.OS{ID: "alpine", VersionID: "3.20.3", PrettyName: "Alpine Linux v3.20"},
		Packages: []report.Package{
			{Name: "busybox-binsh", Version: "1.36.1-r29", Type: "apk", Arch: "x86_64", SourceName: "busybox", SourceVersion: "1.36.1-r29", Path: "lib/apk/db/installed", Layer: "sha256:d4e6"},
			{Name: "libssl3", Version: "3.3.2-r0", Type: "apk", Arch: "x86_64", SourceName: "openssl", SourceVersion: "3.3.2-r0", Path: "lib/apk/db/installed"},
		},
		Vulnerabilities: []report.Vulnerability{{ID: "CVE-2024-9143", Package: "libssl3", PackageType: "apk", SourceName: "openssl", InstalledVersion: "3.3.2-r0", FixedVersion: "3.3.2-r1", Severity: "UNKNOWN", Source: "alpine-secdb"}},
	}, {
		Image: &report.Image{Reference: "docker-archive:/d.tar", Digest: img.Digest},
		OS:    &report.OS{ID: "debian", VersionID: "12", VersionCodename: "bookworm"},
		Packages: []report.Package{
			{Name: "bsdutils", Version: "1:2.38.1-5+deb12u3", Type: "deb", Arch: "amd64", SourceName: "util-linux", SourceVersion: "2.38.1-5+deb12u3", Path: "var/lib/dpkg/status"},
			{Name: "libstdc++6", Version: "12.2.0-14+deb12u1", Type: "deb", Arch: "amd64", SourceName: "gcc-12", SourceVersion: "12.2.0-14+deb12u1"},
		},
	}}
	for _, rep := range reps {
		var buf bytes.Buffer
		if err := w(&buf, rep); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
}

// Read must return (not panic, not hang) on any input; what it returns
// for a document it accepts must be usable.
func fuzzRead(t *testing.T, data []byte) {
	osInfo, pkgs, _, err := Read(bytes.NewReader(data))
	if err != nil {
		return
	}
	_ = osInfo
	for _, p := range pkgs {
		if p.Name == "" {
			t.Fatalf("package without a name: %+v", p)
		}
	}
}

func FuzzReadCycloneDX(f *testing.F) {
	fuzzSeeds(f, cyclonedx.Write)
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"type":"library","name":"x","purl":"pkg:deb/debian/x@1?epoch=2&upstream=y%401"}]}`))
	f.Fuzz(fuzzRead)
}

func FuzzReadSPDX(f *testing.F) {
	fuzzSeeds(f, spdx.Write)
	f.Add([]byte(`{"spdxVersion":"SPDX-2.2","packages":[{"SPDXID":"SPDXRef-a","name":"a","externalRefs":[{"referenceCategory":"PACKAGE_MANAGER","referenceType":"purl","referenceLocator":"pkg:rpm/fedora/a@1-1?epoch=1&upstream=a-1-1.src.rpm"}]}]}`))
	f.Fuzz(fuzzRead)
}
