package host

import (
	"strings"
	"testing"
)

// Download caches and engines' data roots are recognised wherever they
// are, by path or by layout, and only those: a project's own pkg/mod
// package or a directory named image is walked.
func TestStores(t *testing.T) {
	tests := []struct {
		rel   string
		names []string
		opts  Options
		want  string // a substring of why it is skipped; "" walked
	}{
		{"var/lib/docker", []string{"buildkit", "containers", "image", "network", "overlay2", "volumes"}, Options{}, "Docker data root"},
		{"srv/docker-data", []string{"containers", "image", "vfs"}, Options{}, "Docker data root"},
		{"srv/docker-data", []string{"containers", "image", "vfs"}, Options{ContainerStorage: true}, ""},
		{"var/lib/containerd", []string{"io.containerd.content.v1.content", "tmpmounts"}, Options{}, "containerd"},
		{"var/lib/containers/storage", []string{"overlay", "overlay-images", "overlay-layers"}, Options{}, "containers/storage"},
		{"home/u/.local/share/containers/storage", []string{"vfs", "vfs-layers"}, Options{}, "containers/storage"},
		{"srv/photos", []string{"image", "containers", "thumbs"}, Options{}, ""},
		{"root/go/pkg/mod", []string{"cache", "github.com", "golang.org"}, Options{}, "Go module cache"},
		{"opt/gopath/pkg/mod", []string{"cache", "github.com"}, Options{}, "Go module cache"},
		{"src/app/pkg/mod", []string{"mod.go", "mod_test.go"}, Options{}, ""},
		{"root/go/pkg/mod", []string{"cache"}, Options{Caches: true}, ""},
		{"home/u/.cache", nil, Options{}, "download cache"},
		{"home/u/.npm", nil, Options{}, "download cache"},
		{"home/u/.m2/repository", nil, Options{}, "download cache"},
		{"var/cache", nil, Options{}, "download cache"},
		{"srv/var/cache", nil, Options{}, ""},
		{"home/u/cache", nil, Options{}, ""},
		{"usr/lib/node_modules", []string{"npm", "corepack"}, Options{}, ""},
	}
	for _, tt := range tests {
		w := &walker{opts: tt.opts}
		got := w.store(tt.rel, tt.names)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("store(%s, %v) = %q, want %q", tt.rel, tt.names, got, tt.want)
		}
	}
}
