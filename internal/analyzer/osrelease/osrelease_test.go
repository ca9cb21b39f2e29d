package osrelease

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// tarFiles streams a rootfs tarball and returns the regular files among
// names (clean, relative paths).
func tarFiles(t testing.TB, tarball string, names ...string) map[string][]byte {
	t.Helper()
	want := make(map[string]bool)
	for _, n := range names {
		want[n] = true
	}
	out := make(map[string][]byte)
	testutil.WalkTarGz(t, tarball, func(p string, hdr *tar.Header, r io.Reader) bool {
		if !want[p] || hdr.Typeflag != tar.TypeReg {
			return true
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = b
		return len(out) < len(want)
	})
	return out
}

// TestRootfs reads the release files of real root filesystems. The
// expected values are what those distributions publish for themselves
// (the tarball names and Debian 12's codename).
func TestRootfs(t *testing.T) {
	tests := []struct {
		tarball string
		path    string
		want    report.OS
	}{
		{"alpine-minirootfs-3.20.3-x86_64.tar.gz", "etc/os-release", report.OS{ID: "alpine", VersionID: "3.20.3", PrettyName: "Alpine Linux v3.20"}},
		{"alpine-minirootfs-3.20.3-x86_64.tar.gz", "etc/alpine-release", report.OS{ID: "alpine", VersionID: "3.20.3"}},
		{"alpine-minirootfs-3.19.4-x86_64.tar.gz", "etc/os-release", report.OS{ID: "alpine", VersionID: "3.19.4", PrettyName: "Alpine Linux v3.19"}},
		{"alpine-minirootfs-3.19.4-x86_64.tar.gz", "etc/alpine-release", report.OS{ID: "alpine", VersionID: "3.19.4"}},
		{"alpine-minirootfs-3.18.9-x86_64.tar.gz", "etc/os-release", report.OS{ID: "alpine", VersionID: "3.18.9", PrettyName: "Alpine Linux v3.18"}},
		{"alpine-minirootfs-3.18.9-x86_64.tar.gz", "etc/alpine-release", report.OS{ID: "alpine", VersionID: "3.18.9"}},
		// Debian's etc/os-release is a symlink to this file.
		{"debian-bookworm-minbase.tar.gz", "usr/lib/os-release", report.OS{ID: "debian", VersionID: "12", VersionCodename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)"}},
	}
	a := New()
	for _, tc := range tests {
		t.Run(tc.tarball+"/"+tc.path, func(t *testing.T) {
			files := tarFiles(t, testutil.Data(t, "rootfs", tc.tarball), tc.path)
			content, ok := files[tc.path]
			if !ok {
				t.Fatalf("%s has no regular file %s", tc.tarball, tc.path)
			}
			if !a.Wants(tc.path, 0o644, int64(len(content))) {
				t.Fatalf("Wants(%s) = false", tc.path)
			}
			res, err := a.Analyze(context.Background(), tc.path, content)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*res.OS, tc.want) {
				t.Errorf("got %+v, want %+v", *res.OS, tc.want)
			}
		})
	}
}

// TestDebianVersionFile checks the point release in debian_version against
// the same file read as text: the analyzer must not alter it.
func TestDebianVersionFile(t *testing.T) {
	files := tarFiles(t, testutil.Data(t, "rootfs", "debian-bookworm-minbase.tar.gz"), "etc/debian_version")
	content := files["etc/debian_version"]
	res, err := New().Analyze(context.Background(), "etc/debian_version", content)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(content))
	if res.OS.ID != "debian" || res.OS.VersionID != want || !strings.HasPrefix(want, "12.") {
		t.Errorf("got %+v, want debian %s", res.OS, want)
	}
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name, path, content string
		want                *report.OS // nil: an error is expected
	}{
		{"quoting", "etc/os-release",
			"# comment\n\n  ID='my-os'\nVERSION_ID=\"1.0\"\nPRETTY_NAME=\"My \\\"Best\\\" OS \\$HOME \\\\ \\n\"\nID_LIKE=\"rhel  fedora\"\n",
			&report.OS{ID: "my-os", VersionID: "1.0", PrettyName: `My "Best" OS $HOME \ \n`, IDLike: []string{"rhel", "fedora"}}},
		{"concatenated pieces and unquoted escape", "usr/lib/os-release",
			"ID=ubuntu\nVERSION_ID=\"22\"'.04'\nPRETTY_NAME=Ubuntu\\ 22.04\nUBUNTU_CODENAME=jammy\n",
			&report.OS{ID: "ubuntu", VersionID: "22.04", PrettyName: "Ubuntu 22.04", VersionCodename: "jammy"}},
		{"malformed lines skipped, uppercase ID folded", "etc/os-release",
			"garbage line\n=x\n1ID=bad\nVERSION_ID=\"unterminated\nID=Debian\r\nVERSION_CODENAME=trixie\n",
			&report.OS{ID: "debian", VersionCodename: "trixie"}},
		{"later assignment wins", "etc/os-release", "ID=a\nID=b\n", &report.OS{ID: "b"}},
		{"no ID", "etc/os-release", "NAME=\"Something\"\nVERSION_ID=1\n", nil},
		{"empty", "etc/os-release", "", nil},
		{"binary", "etc/os-release", "\x00\x01\xff\xfe=\x00", nil},

		{"alpine-release", "etc/alpine-release", "3.20.3\n", &report.OS{ID: "alpine", VersionID: "3.20.3"}},
		{"alpine-release edge", "etc/alpine-release", "3.21.0_alpha20240807\n", &report.OS{ID: "alpine", VersionID: "3.21.0_alpha20240807"}},
		{"alpine-release garbage", "etc/alpine-release", "hello world\n", nil},

		{"debian_version point", "etc/debian_version", "12.7\n", &report.OS{ID: "debian", VersionID: "12.7"}},
		{"debian_version codename", "etc/debian_version", "bookworm/sid\n", &report.OS{ID: "debian", VersionCodename: "bookworm"}},
		{"debian_version garbage", "etc/debian_version", "<html>\n", nil},
		{"debian_version empty", "etc/debian_version", "\n\n", nil},

		{"almalinux", "etc/redhat-release", "AlmaLinux release 9.4 (Seafoam Ocelot)\n",
			&report.OS{ID: "almalinux", VersionID: "9.4", VersionCodename: "Seafoam Ocelot", PrettyName: "AlmaLinux release 9.4 (Seafoam Ocelot)"}},
		{"rhel", "etc/redhat-release", "Red Hat Enterprise Linux release 8.9 (Ootpa)\n",
			&report.OS{ID: "rhel", VersionID: "8.9", VersionCodename: "Ootpa", PrettyName: "Red Hat Enterprise Linux release 8.9 (Ootpa)"}},
		{"centos 7", "etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n",
			&report.OS{ID: "centos", VersionID: "7.9.2009", VersionCodename: "Core", PrettyName: "CentOS Linux release 7.9.2009 (Core)"}},
		{"centos stream", "etc/redhat-release", "CentOS Stream release 9\n",
			&report.OS{ID: "centos", VersionID: "9", PrettyName: "CentOS Stream release 9"}},
		{"rocky", "etc/rocky-release", "Rocky Linux release 8.10 (Green Obsidian)\n",
			&report.OS{ID: "rocky", VersionID: "8.10", VersionCodename: "Green Obsidian", PrettyName: "Rocky Linux release 8.10 (Green Obsidian)"}},
		{"alma file", "etc/almalinux-release", "AlmaLinux release 8.10 (Cerulean Leopard)",
			&report.OS{ID: "almalinux", VersionID: "8.10", VersionCodename: "Cerulean Leopard", PrettyName: "AlmaLinux release 8.10 (Cerulean Leopard)"}},
		{"unknown vendor", "etc/redhat-release", "Foo Linux release 1.0 (x)\n", nil},
		{"no release word", "etc/redhat-release", "Fedora 40\n", nil},
	}
	a := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !a.Wants(tc.path, 0o644, int64(len(tc.content))) {
				t.Fatalf("Wants(%s) = false", tc.path)
			}
			res, err := a.Analyze(context.Background(), tc.path, []byte(tc.content))
			if tc.want == nil {
				if err == nil {
					t.Fatalf("want error, got %+v", res.OS)
				}
				if !errors.Is(err, ErrNoOS) {
					t.Errorf("error %v does not wrap ErrNoOS", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.OS, tc.want) {
				t.Errorf("got %+v, want %+v", res.OS, tc.want)
			}
		})
	}
}

func TestWantsAndPriority(t *testing.T) {
	a := New()
	for _, p := range []string{"etc/os-release.d", "usr/etc/os-release", "/etc/os-release", "etc/issue", "etc/lsb-release"} {
		if a.Wants(p, 0o644, 10) {
			t.Errorf("Wants(%q) = true", p)
		}
	}
	order := []string{"etc/os-release", "usr/lib/os-release", "etc/alpine-release", "etc/redhat-release", "etc/debian_version", "etc/unknown"}
	for i := 1; i < len(order); i++ {
		if Priority(order[i-1]) >= Priority(order[i]) {
			t.Errorf("Priority(%s)=%d not better than Priority(%s)=%d", order[i-1], Priority(order[i-1]), order[i], Priority(order[i]))
		}
	}
	for _, p := range []string{"etc/centos-release", "etc/rocky-release", "etc/almalinux-release"} {
		if Priority(p) >= Priority("etc/redhat-release") {
			t.Errorf("%s should be preferred to etc/redhat-release", p)
		}
	}
}

func FuzzOSRelease(f *testing.F) {
	f.Add("etc/os-release", []byte("ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n"))
	f.Add("etc/os-release", []byte("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nID_LIKE='a b'\nX=\"\\\"\\\\\"\n"))
	f.Add("etc/alpine-release", []byte("3.20.3\n"))
	f.Add("etc/debian_version", []byte("bookworm/sid\n"))
	f.Add("etc/redhat-release", []byte("AlmaLinux release 9.4 (Seafoam Ocelot)\n"))
	paths := []string{"etc/os-release", "usr/lib/os-release", "etc/alpine-release", "etc/debian_version", "etc/redhat-release", "etc/centos-release"}
	a := New()
	f.Fuzz(func(t *testing.T, p string, content []byte) {
		if !a.Wants(p, 0o644, int64(len(content))) {
			p = paths[len(content)%len(paths)]
		}
		res, err := a.Analyze(context.Background(), p, content)
		if err != nil {
			return
		}
		if res == nil || res.OS == nil || res.OS.ID == "" {
			t.Fatalf("success without an OS ID: %+v", res)
		}
	})
}
