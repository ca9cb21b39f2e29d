package scan

import (
	"context"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/layer"
)

// StreamLayer analyses a layer handed over by a source that can produce it
// only once, as a stream (source.LayerStreamer). The analysis waits for
// BindLayer to learn which layer it was.
func (s *Scanner) StreamLayer(ctx context.Context, r io.Reader) (any, error) {
	w := &layer.Walker{Analyzers: s.Analyzers, MaxBytes: s.MaxLayerBytes}
	return w.Analyze(ctx, r)
}

// BindLayer files a streamed layer's analysis in the cache under its diff
// ID, where Scan will find it instead of opening the layer. The scanner
// must have a cache.
func (s *Scanner) BindLayer(ctx context.Context, handle any, diffID v1.Hash) {
	if a, ok := handle.(*layer.Analysis); ok && s.Cache != nil {
		s.Cache.Put(ctx, layer.Key(s.AnalyzersVersion, diffID.String()), a)
	}
}
