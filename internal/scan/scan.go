// Package scan runs the scan pipeline on one image: it reads each layer once
// as a stream (in parallel, skipping layers already in the cache), overlays
// the per-layer analyses into the final inventory, matches it against the
// vulnerability database and assembles the report.
//
// It knows nothing of where images come from (package source) or where
// reports go (the CLI, the scanner worker): it takes a v1.Image and returns
// a report.Report.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/inventory"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Target is an image to scan.
type Target struct {
	Image     v1.Image
	Reference string
	Platform  string
	// StoredUncompressed says the source holds layers uncompressed (docker
	// save archives, engine sockets): asking such a layer for its compressed
	// form, or its compressed digest, would gzip it whole just to know.
	// Layers are then read uncompressed and identified by diff ID.
	StoredUncompressed bool
}

// Matcher fills in vulnerabilities for an inventory. It is an interface so
// that a scan without a database, and a database swapped while scans run,
// are both the caller's business.
type Matcher interface {
	Match(ctx context.Context, os *report.OS, pkgs []report.Package) ([]report.Vulnerability, []report.Coverage, error)
	Info() *report.DBInfo
}

// Progress is told about each layer as it is done.
type Progress func(done, total int, l report.Layer, cached bool)

// Scanner holds what is shared between scans: analyzers and the layer cache.
type Scanner struct {
	Analyzers []analyzer.Analyzer
	// AnalyzersVersion qualifies cache keys; change it whenever analyzers
	// change what they produce.
	AnalyzersVersion string
	OSPriority       inventory.OSPriority
	Cache            layer.Cache
	// Concurrency bounds how many layers are read at once (0: GOMAXPROCS).
	Concurrency int
	// MaxLayerBytes bounds a layer's uncompressed size (0: the default).
	MaxLayerBytes  int64
	ScannerVersion string
	Logger         *slog.Logger
}

// Prefetcher is a layer.Cache that can look up all of an image's layers
// at once before they are analysed one by one (the fleet's remote cache
// asks its controller in one request instead of one per layer); the
// layers' Gets then follow as usual.
type Prefetcher interface {
	Prefetch(ctx context.Context, keys []string)
}

// Options are per-scan choices.
type Options struct {
	// Layers fills report.Image.Layers[i].Packages/Vulnerabilities.
	Layers   bool
	Matcher  Matcher // nil: inventory only
	Progress Progress
}

// Scan scans one image. Errors name the image and the cause.
func (s *Scanner) Scan(ctx context.Context, t Target, opts Options) (*report.Report, error) {
	rep, inv, err := s.inventory(ctx, t, opts)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", t.Reference, err)
	}
	if opts.Matcher != nil {
		vulns, cov, err := opts.Matcher.Match(ctx, inv.OS, inv.Packages)
		if err != nil {
			return nil, fmt.Errorf("scan %s: matching: %w", t.Reference, err)
		}
		rep.Vulnerabilities = vulns
		rep.Coverage = cov
		rep.DB = opts.Matcher.Info()
	}
	if rep.Vulnerabilities == nil {
		rep.Vulnerabilities = []report.Vulnerability{}
	}
	if opts.Layers {
		ByLayer(rep)
	}
	return rep, nil
}

// ByLayer copies each package and finding under the layer that introduced it.
func ByLayer(rep *report.Report) {
	if rep.Image == nil {
		return
	}
	idx := map[string]int{}
	for i := range rep.Image.Layers {
		idx[rep.Image.Layers[i].Digest] = i
		rep.Image.Layers[i].Packages = nil
		rep.Image.Layers[i].Vulnerabilities = nil
	}
	for _, p := range rep.Packages {
		if i, ok := idx[p.Layer]; ok {
			rep.Image.Layers[i].Packages = append(rep.Image.Layers[i].Packages, p)
		}
	}
	for _, v := range rep.Vulnerabilities {
		if i, ok := idx[v.Layer]; ok {
			rep.Image.Layers[i].Vulnerabilities = append(rep.Image.Layers[i].Vulnerabilities, v)
		}
	}
}

func (s *Scanner) inventory(ctx context.Context, t Target, opts Options) (*report.Report, *inventory.Inventory, error) {
	logger := s.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := t.Image.ConfigFile()
	if err != nil {
		return nil, nil, fmt.Errorf("reading image config: %w", err)
	}
	layers, err := t.Image.Layers()
	if err != nil {
		return nil, nil, fmt.Errorf("listing layers: %w", err)
	}
	meta, err := describe(t, cfg, layers)
	if err != nil {
		return nil, nil, err
	}
	digest, err := imageDigest(t)
	if err != nil {
		return nil, nil, err
	}

	if p, ok := s.Cache.(Prefetcher); ok {
		keys := make([]string, len(meta))
		for i := range meta {
			keys[i] = layer.Key(s.AnalyzersVersion, cacheID(meta[i]))
		}
		p.Prefetch(ctx, keys)
	}
	analyses := make([]*layer.Analysis, len(layers))
	conc := s.Concurrency
	if conc <= 0 {
		conc = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		done     int
		sem      = make(chan struct{}, conc)
	)
	walker := &layer.Walker{Analyzers: s.Analyzers, MaxBytes: s.MaxLayerBytes}
	for i := range layers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			a, cached, err := s.analyzeLayer(ctx, walker, t, layers[i], meta[i])
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("layer %d (%s): %w", i+1, meta[i].Digest, err)
					cancel()
				}
				return
			}
			analyses[i] = a
			done++
			logger.Debug("layer analysed", "image", t.Reference, "layer", meta[i].Digest,
				"entries", a.Entries, "bytes", a.Bytes, "cached", cached)
			if opts.Progress != nil {
				opts.Progress(done, len(layers), meta[i], cached)
			}
		}(i)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}

	inv := inventory.Merge(analyses, meta, s.OSPriority)
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Image: &report.Image{
			Reference: t.Reference,
			Digest:    digest,
			Platform:  platform(t, cfg),
			Layers:    meta,
		},
		OS:             inv.OS,
		Packages:       inv.Packages,
		ScannedAt:      time.Now().UTC(),
		ScannerVersion: s.ScannerVersion,
	}
	if rep.Packages == nil {
		rep.Packages = []report.Package{}
	}
	for _, p := range inv.Problems {
		rep.Warnings = append(rep.Warnings, "not understood: "+p)
	}
	return rep, inv, nil
}

func (s *Scanner) analyzeLayer(ctx context.Context, w *layer.Walker, t Target, l v1.Layer, m report.Layer) (*layer.Analysis, bool, error) {
	key := layer.Key(s.AnalyzersVersion, cacheID(m))
	if s.Cache != nil {
		if a, ok := s.Cache.Get(ctx, key); ok {
			return a, true, nil
		}
	}
	var (
		rc  io.ReadCloser
		err error
	)
	if t.StoredUncompressed {
		rc, err = l.Uncompressed()
	} else {
		// The stored form: the walker decompresses it with a faster
		// decoder than the one go-containerregistry would use.
		rc, err = l.Compressed()
	}
	if err != nil {
		return nil, false, fmt.Errorf("opening layer: %w", err)
	}
	a, err := w.Analyze(ctx, rc)
	closeErr := rc.Close()
	if err == nil && closeErr != nil && !errors.Is(closeErr, io.ErrClosedPipe) {
		err = closeErr
	}
	if err != nil {
		return nil, false, err
	}
	if s.Cache != nil {
		s.Cache.Put(ctx, key, a)
	}
	return a, false, nil
}

// cacheID identifies a layer's content: the diff ID when known (it is the
// same however the layer was compressed), else the digest.
func cacheID(m report.Layer) string {
	if m.DiffID != "" {
		return m.DiffID
	}
	return m.Digest
}

// describe lists layers bottom first with their history lines. History
// entries flagged empty_layer (ENV, LABEL, ...) have no layer.
func describe(t Target, cfg *v1.ConfigFile, layers []v1.Layer) ([]report.Layer, error) {
	var created []string
	for _, h := range cfg.History {
		if h.EmptyLayer {
			continue
		}
		created = append(created, h.CreatedBy)
	}
	out := make([]report.Layer, len(layers))
	for i, l := range layers {
		diffID, err := l.DiffID()
		if err != nil {
			return nil, fmt.Errorf("layer %d: diff id: %w", i+1, err)
		}
		m := report.Layer{DiffID: diffID.String()}
		if t.StoredUncompressed {
			m.Digest = m.DiffID
		} else {
			d, err := l.Digest()
			if err != nil {
				return nil, fmt.Errorf("layer %d: digest: %w", i+1, err)
			}
			m.Digest = d.String()
			if m.Size, err = l.Size(); err != nil {
				return nil, fmt.Errorf("layer %d: size: %w", i+1, err)
			}
		}
		// History and layers disagree in count in some images; attribute
		// only when they line up.
		if len(created) == len(layers) {
			m.CreatedBy = created[i]
		}
		out[i] = m
	}
	return out, nil
}

func imageDigest(t Target) (string, error) {
	if t.StoredUncompressed {
		// The manifest digest would need every layer gzipped; the config
		// digest is the image ID an engine shows.
		h, err := t.Image.ConfigName()
		if err != nil {
			return "", fmt.Errorf("image id: %w", err)
		}
		return h.String(), nil
	}
	h, err := t.Image.Digest()
	if err != nil {
		return "", fmt.Errorf("image digest: %w", err)
	}
	return h.String(), nil
}

func platform(t Target, cfg *v1.ConfigFile) string {
	if cfg.OS == "" {
		return t.Platform
	}
	p := cfg.OS + "/" + cfg.Architecture
	if cfg.Variant != "" {
		p += "/" + cfg.Variant
	}
	return p
}
