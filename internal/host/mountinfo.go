package host

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Mount is one line of /proc/PID/mountinfo (proc(5)).
type Mount struct {
	// Point is the mount point, absolute in the reading process's root.
	Point  string
	FSType string
}

// maxMountinfo bounds the mountinfo read: a host with tens of thousands of
// mounts (container churn) is still well under it.
const maxMountinfo = 64 << 20

// ParseMountinfo reads the mountinfo format: "36 35 98:0 /mnt1 /mnt2 rw
// master:1 - ext3 /dev/root rw". Fields are space-separated, with spaces,
// tabs, newlines and backslashes in paths escaped as octal (\040). It is
// hand-written because the format is ten lines of parsing and the
// libraries that parse it (moby/sys/mountinfo) would add a dependency for
// no gain. A malformed line is an error: silently dropping a mount could
// mean walking into a network filesystem.
func ParseMountinfo(b []byte) ([]Mount, error) {
	if len(b) > maxMountinfo {
		return nil, fmt.Errorf("mountinfo is %d bytes, over the %d-byte limit", len(b), maxMountinfo)
	}
	var out []Mount
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Fields(line)
		sep := -1
		for i := 6; i < len(fields); i++ {
			if fields[i] == "-" {
				sep = i
				break
			}
		}
		if len(fields) < 5 || sep < 0 || sep+1 >= len(fields) {
			return nil, fmt.Errorf("mountinfo line %d: malformed: %q", n, truncate(line, 120))
		}
		point, err := unescapeOctal(fields[4])
		if err != nil {
			return nil, fmt.Errorf("mountinfo line %d: mount point: %w", n, err)
		}
		if !strings.HasPrefix(point, "/") {
			return nil, fmt.Errorf("mountinfo line %d: mount point %q is not absolute", n, truncate(point, 120))
		}
		out = append(out, Mount{Point: path.Clean(point), FSType: fields[sep+1]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mountinfo line %d: %w", n+1, err)
	}
	return out, nil
}

func unescapeOctal(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			sb.WriteByte(s[i])
			continue
		}
		if i+4 > len(s) {
			return "", fmt.Errorf("truncated escape in %q", truncate(s, 120))
		}
		v, err := strconv.ParseUint(s[i+1:i+4], 8, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape in %q", truncate(s, 120))
		}
		sb.WriteByte(byte(v))
		i += 3
	}
	return sb.String(), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// pseudoFS are filesystem types that hold no installed software: kernel
// interfaces, whose files can block or be endless, and network or
// user-space filesystems, whose walk could take hours or hang on a dead
// server.
var pseudoFS = map[string]bool{
	"proc": true, "sysfs": true, "devtmpfs": true, "devpts": true,
	"cgroup": true, "cgroup2": true, "securityfs": true, "debugfs": true,
	"tracefs": true, "pstore": true, "bpf": true, "mqueue": true,
	"hugetlbfs": true, "configfs": true, "fusectl": true, "binfmt_misc": true,
	"autofs": true, "nsfs": true, "efivarfs": true, "rpc_pipefs": true,
	"selinuxfs": true, "nfs": true, "nfs4": true, "nfsd": true, "cifs": true,
	"smb3": true, "smbfs": true, "9p": true, "afs": true, "ceph": true,
	"glusterfs": true, "lustre": true, "sshfs": true, "davfs": true,
}

// containerStores are where engines keep other containers' filesystems: an
// overlay mounted there is a running container, scanned as an image, not
// as part of the host.
var containerStores = []string{"var/lib/docker", "var/lib/containers", "var/lib/containerd", "run/containerd", "var/lib/kubelet"}

// skipMount reports whether a mount (point relative to the scanned root)
// must not be walked, and why.
func skipMount(rel, fstype string) (bool, string) {
	switch {
	case pseudoFS[fstype]:
		return true, fstype
	case strings.HasPrefix(fstype, "nfs"), strings.HasPrefix(fstype, "fuse."), fstype == "fuse":
		return true, fstype
	case fstype == "tmpfs" && (rel == "run" || strings.HasPrefix(rel, "run/")):
		return true, "tmpfs under /run"
	case fstype == "overlay" || fstype == "aufs" || fstype == "shm" || fstype == "tmpfs":
		for _, s := range containerStores {
			if rel == s || strings.HasPrefix(rel, s+"/") {
				return true, fstype + " of a container under /" + s
			}
		}
	}
	return false, ""
}
