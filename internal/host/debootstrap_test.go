package host

import (
	"archive/tar"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// A Debian root made by debootstrap in this test run (scripts/test.sh makes
// it and announces it in SCANFLEET_TEST_DEBOOTSTRAP_ROOT): the host scan
// finds every installed dpkg package, and equals the scan of the same tree
// packed as an image layer.
func TestDebootstrapRoot(t *testing.T) {
	root := testutil.Service(t, "SCANFLEET_TEST_DEBOOTSTRAP_ROOT")
	status, err := os.Open(filepath.Join(root, "var/lib/dpkg/status"))
	if err != nil {
		t.Fatal(err)
	}
	want := installedStanzas(t, status)
	status.Close()

	a, err := Analyze(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hostInv := merge(a)
	if got := countType(hostInv.Packages, "deb"); got != want || want < 50 {
		t.Fatalf("host scan found %d dpkg packages, the status file lists %d installed", got, want)
	}

	// Pack the same tree as a layer (regular files, directories and
	// symlinks, as an image build would) and scan it as an image.
	layerFile := filepath.Join(t.TempDir(), "root.tar")
	packTree(t, root, layerFile)
	l, err := imagebuild.FromFile(layerFile)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagebuild.Image(imagebuild.Layer{Layer: l, CreatedBy: "debootstrap --variant=minbase bookworm"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := (&scan.Scanner{Analyzers: all.Analyzers(), OSPriority: all.OSPriority}).Scan(context.Background(), scan.Target{Image: img, Reference: "debootstrap"}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hk, ik := keys(hostInv.Packages), keys(rep.Packages)
	if len(hk) != len(ik) {
		t.Fatalf("host scan: %d packages, image scan: %d", len(hk), len(ik))
	}
	for i := range hk {
		if hk[i] != ik[i] {
			t.Fatalf("package %d: host %+v, image %+v", i, hk[i], ik[i])
		}
	}
	if hostInv.OS == nil || rep.OS == nil || !sameOS(hostInv.OS, rep.OS) || hostInv.OS.VersionID != "12" {
		t.Fatalf("OS: host %+v, image %+v", hostInv.OS, rep.OS)
	}
}

func packTree(t *testing.T, root, out string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() && !info.IsDir() && info.Mode()&fs.ModeSymlink == 0 {
			return nil // devices, FIFOs: not part of an image layer here
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			src, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, src)
			src.Close()
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}
