package daemon

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/source/core"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// countingStreamer reads each layer and records the diff IDs bound.
type countingStreamer struct {
	streamed int
	bound    []v1.Hash
}

func (c *countingStreamer) StreamLayer(_ context.Context, r io.Reader) (any, error) {
	c.streamed++
	n, err := io.Copy(io.Discard, r)
	return n, err
}

func (c *countingStreamer) BindLayer(_ context.Context, _ any, d v1.Hash) {
	c.bound = append(c.bound, d)
}

// rewrite copies a tar, letting edit change or drop entries.
func rewrite(t *testing.T, src []byte, edit func(h *tar.Header, body []byte) ([]byte, bool)) []byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(src))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		body, keep := edit(h, body)
		if !keep {
			continue
		}
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	return out.Bytes()
}

func TestStreamDockerSave(t *testing.T) {
	save, err := os.ReadFile(testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.docker.tar"))
	if err != nil {
		t.Fatal(err)
	}
	keep := func(h *tar.Header, b []byte) ([]byte, bool) { return b, true }
	tests := []struct {
		name string
		data []byte
		kind error // nil: success
	}{
		{"as saved", save, nil},
		{"truncated", save[:len(save)/2], core.ErrInvalid},
		{"no manifest", rewrite(t, save, func(h *tar.Header, b []byte) ([]byte, bool) { return b, h.Name != "manifest.json" }), core.ErrInvalid},
		{"tampered layer", rewrite(t, save, func(h *tar.Header, b []byte) ([]byte, bool) {
			if len(b) > 1024 && b[0] != '{' && b[0] != '[' {
				b = append([]byte(nil), b...)
				b[600] ^= 0xff
			}
			return b, true
		}), core.ErrInvalid},
		{"copy", rewrite(t, save, keep), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := &countingStreamer{}
			img, err := streamDockerSave(context.Background(), bytes.NewReader(tc.data), "", st)
			if tc.kind != nil {
				if !errors.Is(err, tc.kind) {
					t.Fatalf("err = %v, want %v", err, tc.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			if len(st.bound) != len(cfg.RootFS.DiffIDs) || st.streamed != len(cfg.RootFS.DiffIDs) {
				t.Fatalf("streamed %d, bound %d, config has %d layers", st.streamed, len(st.bound), len(cfg.RootFS.DiffIDs))
			}
			for i, d := range cfg.RootFS.DiffIDs {
				if st.bound[i] != d {
					t.Errorf("layer %d bound as %s, want %s", i, st.bound[i], d)
				}
			}
			ls, err := img.Layers()
			if err != nil || len(ls) != len(cfg.RootFS.DiffIDs) {
				t.Fatalf("layers %d, %v", len(ls), err)
			}
			if _, err := ls[0].Uncompressed(); !errors.Is(err, ErrLayerStreamed) {
				t.Errorf("reopening a streamed layer: %v, want ErrLayerStreamed", err)
			}
		})
	}
}
