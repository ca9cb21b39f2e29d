package purl

import (
	"reflect"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
)

func TestCompute(t *testing.T) {
	alpine := &report.OS{ID: "alpine", VersionID: "3.20.3"}
	debian := &report.OS{ID: "debian", VersionID: "12"}
	alma := &report.OS{ID: "almalinux", VersionID: "9.4"}
	rhel := &report.OS{ID: "rhel", VersionID: "9.4"}
	tests := []struct {
		name string
		pkg  report.Package
		os   *report.OS
		want string
	}{
		{"apk own source", report.Package{Name: "musl", Version: "1.2.5-r0", Type: "apk", Arch: "x86_64", SourceName: "musl", SourceVersion: "1.2.5-r0"}, alpine,
			"pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3"},
		{"apk origin", report.Package{Name: "busybox-binsh", Version: "1.36.1-r29", Type: "apk", Arch: "x86_64", SourceName: "busybox", SourceVersion: "1.36.1-r29"}, alpine,
			"pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox"},
		{"deb source with other version", report.Package{Name: "libssl3", Version: "3.0.15-1~deb12u1", Type: "deb", Arch: "amd64", SourceName: "openssl", SourceVersion: "3.0.15-1~deb12u1"}, debian,
			"pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"},
		{"deb binNMU", report.Package{Name: "libgcrypt20", Version: "1.10.1-3+b1", Type: "deb", Arch: "amd64", SourceName: "libgcrypt20", SourceVersion: "1.10.1-3"}, debian,
			"pkg:deb/debian/libgcrypt20@1.10.1-3%2Bb1?arch=amd64&distro=debian-12&upstream=libgcrypt20%401.10.1-3"},
		{"deb epoch kept in version", report.Package{Name: "libc6", Version: "1:2.36-9", Type: "deb", SourceName: "glibc", SourceVersion: "1:2.36-9"}, nil,
			"pkg:deb/debian/libc6@1:2.36-9?upstream=glibc"},
		{"rpm epoch", report.Package{Name: "openssl-libs", Version: "1:3.0.7-27.el9", Type: "rpm", Arch: "x86_64", SourceName: "openssl", SourceVersion: "1:3.0.7-27.el9"}, alma,
			"pkg:rpm/almalinux/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=almalinux-9.4&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm"},
		{"rpm rhel vendor", report.Package{Name: "bash", Version: "5.1.8-9.el9", Type: "rpm", Arch: "x86_64"}, rhel,
			"pkg:rpm/redhat/bash@5.1.8-9.el9?arch=x86_64&distro=rhel-9.4"},
		{"go module", report.Package{Name: "golang.org/x/net", Version: "v0.7.0", Type: "go-module"}, alpine,
			"pkg:golang/golang.org/x/net@v0.7.0"},
		{"go stdlib", report.Package{Name: "stdlib", Version: "go1.21.0", Type: "go-module"}, nil,
			"pkg:golang/stdlib@go1.21.0"},
		{"npm scoped", report.Package{Name: "@babel/core", Version: "7.0.0", Type: "npm"}, nil,
			"pkg:npm/%40babel/core@7.0.0"},
		{"maven", report.Package{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: "jar"}, nil,
			"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		{"pypi normalised", report.Package{Name: "Django_Rest", Version: "1.0", Type: "pypi"}, nil,
			"pkg:pypi/django-rest@1.0"},
		{"unknown type", report.Package{Name: "thing", Version: "1", Type: "weird"}, nil,
			"pkg:generic/thing@1"},
		{"analyzer purl wins", report.Package{Name: "x", Version: "1", Type: "npm", PURL: "pkg:npm/y@2"}, nil,
			"pkg:npm/y@2"},
		{"no name", report.Package{Version: "1", Type: "npm"}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := For(tc.pkg, tc.os); got != tc.want {
				t.Errorf("For = %q\nwant   %q", got, tc.want)
			}
		})
	}
}

// Parse must invert Compute for every field a purl carries.
func TestParseInvertsCompute(t *testing.T) {
	alpine := &report.OS{ID: "alpine", VersionID: "3.20.3"}
	alma := &report.OS{ID: "almalinux", VersionID: "9.4"}
	debian := &report.OS{ID: "debian", VersionID: "12"}
	pkgs := []struct {
		pkg report.Package
		os  *report.OS
	}{
		{report.Package{Name: "busybox-binsh", Version: "1.36.1-r29", Type: "apk", Arch: "x86_64", SourceName: "busybox", SourceVersion: "1.36.1-r29"}, alpine},
		{report.Package{Name: "libgcrypt20", Version: "1.10.1-3+b1", Type: "deb", Arch: "amd64", SourceName: "libgcrypt20", SourceVersion: "1.10.1-3"}, debian},
		{report.Package{Name: "libc6", Version: "1:2.36-9", Type: "deb", Arch: "amd64", SourceName: "glibc", SourceVersion: "1:2.36-9"}, debian},
		{report.Package{Name: "openssl-libs", Version: "1:3.0.7-27.el9", Type: "rpm", Arch: "x86_64", SourceName: "openssl", SourceVersion: "1:3.0.7-27.el9"}, alma},
		{report.Package{Name: "golang.org/x/net", Version: "v0.7.0", Type: "go-module"}, nil},
		{report.Package{Name: "@babel/core", Version: "7.0.0", Type: "npm"}, nil},
		{report.Package{Name: "org.apache:log4j", Version: "2", Type: "maven"}, nil},
	}
	for _, tc := range pkgs {
		t.Run(tc.pkg.Name, func(t *testing.T) {
			s := Compute(tc.pkg, tc.os)
			got, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			want := tc.pkg
			want.PURL = s
			if !reflect.DeepEqual(got.Package, want) {
				t.Errorf("Parse(%q).Package =\n %+v\nwant\n %+v", s, got.Package, want)
			}
			if tc.os != nil && !reflect.DeepEqual(got.Distro, tc.os) {
				t.Errorf("Parse(%q).Distro = %+v, want %+v", s, got.Distro, tc.os)
			}
		})
	}
}

// Other tools' spellings.
func TestParseForeign(t *testing.T) {
	tests := []struct {
		in         string
		wantPkg    report.Package
		wantDistro *report.OS
	}{
		{"pkg:apk/alpine/ssl_client@3.3.2-r0?arch=x86_64&upstream=openssl&distro=alpine-3.20.3",
			report.Package{Name: "ssl_client", Version: "3.3.2-r0", Type: "apk", Arch: "x86_64", SourceName: "openssl", SourceVersion: "3.3.2-r0"},
			&report.OS{ID: "alpine", VersionID: "3.20.3"}},
		{"pkg:deb/debian/libc6@2.36-9?distro=bookworm",
			report.Package{Name: "libc6", Version: "2.36-9", Type: "deb", SourceName: "libc6", SourceVersion: "2.36-9"},
			&report.OS{ID: "debian", VersionCodename: "bookworm"}},
		{"pkg:rpm/rocky/bash@5.1.8-9.el9?arch=x86_64&epoch=0&distro=rocky-9.3",
			report.Package{Name: "bash", Version: "5.1.8-9.el9", Type: "rpm", Arch: "x86_64", SourceName: "bash", SourceVersion: "5.1.8-9.el9"},
			&report.OS{ID: "rocky", VersionID: "9.3"}},
		{"pkg:golang/github.com/foo/bar@v1.2.3", report.Package{Name: "github.com/foo/bar", Version: "v1.2.3", Type: "go-module"}, nil},
		{"pkg:hex/phoenix@1.0", report.Package{Name: "phoenix", Version: "1.0", Type: "hex"}, nil},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		tc.wantPkg.PURL = tc.in
		if !reflect.DeepEqual(got.Package, tc.wantPkg) || !reflect.DeepEqual(got.Distro, tc.wantDistro) {
			t.Errorf("Parse(%q) = %+v %+v\nwant %+v %+v", tc.in, got.Package, got.Distro, tc.wantPkg, tc.wantDistro)
		}
	}
	for _, bad := range []string{"", "pkg:", "npm/foo@1", "pkg:/x", "not a purl"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
}

func TestImage(t *testing.T) {
	const d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		img  *report.Image
		want string
	}{
		{&report.Image{Reference: "127.0.0.1:5000/team/app:1.2", Digest: d, Platform: "linux/amd64"},
			"pkg:oci/app@" + "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + "?arch=amd64&repository_url=127.0.0.1:5000%2Fteam%2Fapp"},
		{&report.Image{Reference: "alpine:3.20", Digest: d},
			"pkg:oci/alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef?repository_url=index.docker.io%2Flibrary%2Falpine"},
		{&report.Image{Reference: "docker-archive:/tmp/My-App.tar", Digest: d},
			"pkg:oci/my-app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		{&report.Image{Reference: "alpine:3.20"}, ""},
		{nil, ""},
	}
	for _, tc := range tests {
		if got := Image(tc.img); got != tc.want {
			t.Errorf("Image(%+v) = %q\nwant %q", tc.img, got, tc.want)
		}
	}
}
