package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/scanfleet/scanfleet/internal/layer"
)

// LayerLookupRequest is POST /api/v1/layers/lookup: all the layers of one
// image looked up in one request, the unknown ones claimed for Claim, as
// GET /api/v1/layers/{key}?claim= does for one layer.
type LayerLookupRequest struct {
	// Claim is the holder the unknown layers are claimed for
	// ("<scanner id>/<random>"); the analyses are then stored with it
	// (PUT /api/v1/layers/{key}?claim=).
	Claim string `json:"claim"`
	// Keys are layer cache keys (layer.Key), at most MaxLayerLookup.
	Keys []string `json:"keys"`
}

// MaxLayerLookup bounds the keys of one LayerLookupRequest: more layers
// than an image can have (Docker refuses images of over 127 layers).
const MaxLayerLookup = 512

// LayerLookupResponse answers a LayerLookupRequest, one entry per key in
// the request's order.
type LayerLookupResponse struct {
	Layers []LayerLookup `json:"layers"`
}

// LayerStatus is what a layer lookup found.
type LayerStatus string

// The answers of a layer lookup.
const (
	// LayerFound: the analysis is known (LayerLookup.Analysis).
	LayerFound LayerStatus = "found"
	// LayerClaimed: unknown, and now claimed for the request's holder,
	// who analyses the layer and stores the analysis.
	LayerClaimed LayerStatus = "claimed"
	// LayerPending: another holder's claim is live; ask again shortly
	// (the single-layer GET waits as well as a batch does).
	LayerPending LayerStatus = "pending"
)

// LayerLookup is one key's answer.
type LayerLookup struct {
	Key    string      `json:"key"`
	Status LayerStatus `json:"status"`
	// Analysis is the stored analysis when Status is found: raw, so the
	// controller serves the stored document without encoding it again.
	Analysis json.RawMessage `json:"analysis,omitempty"`
}

// Decode returns the analysis of a found layer.
func (l LayerLookup) Decode() (*layer.Analysis, error) {
	if l.Status != LayerFound {
		return nil, fmt.Errorf("layer %s: %s, not found", l.Key, l.Status)
	}
	var a layer.Analysis
	if err := json.Unmarshal(l.Analysis, &a); err != nil {
		return nil, fmt.Errorf("layer %s: analysis: %w", l.Key, err)
	}
	return &a, nil
}

// LookupLayers looks up keys in one request, claiming the unknown ones
// for claim. The answer has one entry per key, in order; a controller
// that predates the route answers 404 or 405 (StatusOf), and the caller
// then looks layers up one by one (GetLayer).
func (c *Client) LookupLayers(ctx context.Context, claim string, keys []string) ([]LayerLookup, error) {
	var out LayerLookupResponse
	path := "/api/v1/layers/lookup"
	if err := c.Do(ctx, http.MethodPost, path, LayerLookupRequest{Claim: claim, Keys: keys}, &out); err != nil {
		return nil, err
	}
	if len(out.Layers) != len(keys) {
		return nil, fmt.Errorf("controller %s: POST %s: %d answers for %d layers", c.base, path, len(out.Layers), len(keys))
	}
	for i, l := range out.Layers {
		if l.Key != keys[i] {
			return nil, fmt.Errorf("controller %s: POST %s: answer %d is for layer %q, want %q", c.base, path, i, l.Key, keys[i])
		}
	}
	return out.Layers, nil
}
