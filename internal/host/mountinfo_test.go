package host

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestParseMountinfo(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Mount
		wantErr string
	}{
		{"proc(5) example", "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n",
			[]Mount{{"/mnt2", "ext3"}}, ""},
		{"no optional fields", "22 1 0:21 / /proc rw,nosuid - proc proc rw\n23 1 0:22 / /sys rw - sysfs sysfs rw",
			[]Mount{{"/proc", "proc"}, {"/sys", "sysfs"}}, ""},
		{"escaped space", `40 1 0:40 / /mnt/my\040disk rw - fuse.sshfs host: rw` + "\n",
			[]Mount{{"/mnt/my disk", "fuse.sshfs"}}, ""},
		{"blank lines", "\n\n", nil, ""},
		{"no separator", "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw\n", nil, "malformed"},
		{"short", "36 35\n", nil, "malformed"},
		{"bad escape", `40 1 0:40 / /mnt/x\09 rw - ext4 /dev/x rw` + "\n", nil, "escape"},
		{"truncated escape", `40 1 0:40 / /mnt/x\04 rw - ext4 /dev/x rw` + "\n", nil, "escape"},
		{"relative point", "40 1 0:40 / mnt rw - ext4 /dev/x rw\n", nil, "not absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMountinfo([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("mount %d: %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestParseOwnMountinfo reads the real mountinfo of this process, and
// checks it against /proc/mounts, an independent listing of the same
// mounts (the same count, the same types at the same points).
func TestParseOwnMountinfo(t *testing.T) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Skip(err)
	}
	mounts, err := ParseMountinfo(b)
	if err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		t.Skip(err)
	}
	lines := strings.Split(strings.TrimSpace(string(m)), "\n")
	if len(lines) != len(mounts) {
		t.Fatalf("%d mounts in mountinfo, %d in /proc/self/mounts", len(mounts), len(lines))
	}
	for i, line := range lines {
		f := strings.Fields(line)
		point, _ := unescapeOctal(f[1])
		if mounts[i].Point != point || mounts[i].FSType != f[2] {
			t.Errorf("mount %d: %+v, /proc/self/mounts says %s %s", i, mounts[i], point, f[2])
		}
	}
}

func TestSkipMount(t *testing.T) {
	tests := []struct {
		rel, fstype string
		skip        bool
	}{
		{"proc", "proc", true},
		{"sys/fs/cgroup", "cgroup2", true},
		{"mnt/share", "nfs4", true},
		{"mnt/smb", "cifs", true},
		{"home/u/remote", "fuse.sshfs", true},
		{"run", "tmpfs", true},
		{"run/user/1000", "tmpfs", true},
		{"var/lib/docker/overlay2/abc/merged", "overlay", true},
		{"var/lib/containers/storage/overlay/x/merged", "overlay", true},
		{"tmp", "tmpfs", false},
		{"", "overlay", false},
		{"home", "ext4", false},
		{"boot/efi", "vfat", false},
		{"var/lib/dockerish", "overlay", false},
	}
	for _, tt := range tests {
		if got, why := skipMount(tt.rel, tt.fstype); got != tt.skip {
			t.Errorf("skipMount(%q, %q) = %v (%s), want %v", tt.rel, tt.fstype, got, why, tt.skip)
		}
	}
}

// TestProcRoot scans through /proc/self/root, the way a container started
// with --pid=host reaches the host (/proc/1/root): mounts are then read
// from that process's mountinfo, relative to its root.
func TestProcRoot(t *testing.T) {
	const root = "/proc/self/root"
	if _, err := os.Stat(root + "/var/lib/dpkg/status"); err != nil {
		t.Skip(err)
	}
	mounts, err := mountsUnder(root)
	if err != nil {
		t.Fatal(err)
	}
	if mounts["proc"] != "proc" {
		t.Errorf("proc not skipped through %s: %v", root, mounts)
	}
	f, err := os.Open(root + "/var/lib/dpkg/status")
	if err != nil {
		t.Fatal(err)
	}
	want := installedStanzas(t, f)
	f.Close()
	var pseudo int
	a, err := Analyze(context.Background(), root, Options{
		// Only /etc and /var/lib/dpkg, to keep the walk short.
		SkipDirs: []string{"/[^ev]*", "/var/[^l]*", "/var/lib/[^d]*"},
		onVisit: func(rel string) {
			if strings.HasPrefix(rel, "proc/") || strings.HasPrefix(rel, "sys/") {
				pseudo++
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := countType(merge(a).Packages, "deb"); got != want || pseudo > 0 {
		t.Errorf("through %s: %d dpkg packages (want %d), %d pseudo paths walked", root, got, want, pseudo)
	}
}

func FuzzParseMountinfo(f *testing.F) {
	if b, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"))
	f.Add([]byte(`40 1 0:40 / /mnt/my\040disk rw - fuse.sshfs host: rw`))
	f.Fuzz(func(t *testing.T, b []byte) {
		mounts, err := ParseMountinfo(b)
		if err != nil {
			return
		}
		for _, m := range mounts {
			if !strings.HasPrefix(m.Point, "/") {
				t.Fatalf("relative mount point %q", m.Point)
			}
			skipMount(strings.TrimPrefix(m.Point, "/"), m.FSType)
		}
	})
}
