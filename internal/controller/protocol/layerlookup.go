package protocol

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/store"
)

// lookupLayers is POST /api/v1/layers/lookup: the layers of one image
// looked up (and the unknown ones claimed) in one request, as the
// single-layer GET does for each, so that a scan costs the controller
// one request and one token check for its layers instead of one per
// layer. The answer has one entry per key, in order; a key named twice
// is looked up once.
//
// A lookup that fails part way hands back the claims it took before
// answering the error, so a scanner that dies (or hangs up) mid-request
// leaves no claim of that request behind for others to wait on.
func (c *Protocol) lookupLayers(w http.ResponseWriter, r *http.Request) error {
	var in api.LayerLookupRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	switch {
	case in.Claim == "":
		return web.Errorf(http.StatusBadRequest, "layer lookup: no claim holder (want \"<scanner id>/<random>\")")
	case len(in.Keys) == 0:
		return web.Errorf(http.StatusBadRequest, "layer lookup: no keys")
	case len(in.Keys) > api.MaxLayerLookup:
		return web.Errorf(http.StatusBadRequest, "layer lookup: %d keys, over the %d limit", len(in.Keys), api.MaxLayerLookup)
	}
	for i, key := range in.Keys {
		if err := checkLayerKey(key); err != nil {
			return web.Errorf(http.StatusBadRequest, "layer lookup: key %d: %v", i, err)
		}
	}
	// One read for every layer: most are known (the base layers the
	// fleet shares). Only the missing ones are claimed, one by one.
	stored, err := c.storedLayers(r.Context(), in.Keys)
	if err != nil {
		return fmt.Errorf("layer lookup for %s: %w", in.Claim, err)
	}
	out := api.LayerLookupResponse{Layers: make([]api.LayerLookup, len(in.Keys))}
	seen := make(map[string]int, len(in.Keys))
	var claimed []string
	for i, key := range in.Keys {
		if j, ok := seen[key]; ok {
			out.Layers[i] = out.Layers[j]
			continue
		}
		seen[key] = i
		if raw, ok := stored[key]; ok {
			c.layerLookup(true)
			out.Layers[i] = api.LayerLookup{Key: key, Status: api.LayerFound, Analysis: raw}
			continue
		}
		raw, status, err := c.claimMissing(r.Context(), key, in.Claim)
		if err != nil {
			c.unclaimLayers(r.Context(), claimed, in.Claim)
			return fmt.Errorf("layer lookup for %s: layer %d of %d (%s): %w", in.Claim, i+1, len(in.Keys), key, err)
		}
		if status == api.LayerClaimed {
			claimed = append(claimed, key)
		}
		out.Layers[i] = api.LayerLookup{Key: key, Status: status, Analysis: raw}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// storedLayers reads keys' analyses in one query, leaving out (as
// storedLayer does) an entry that does not decode.
func (c *Protocol) storedLayers(ctx context.Context, keys []string) (map[string][]byte, error) {
	stored, err := c.store.GetLayers(ctx, keys)
	if err != nil {
		return nil, err
	}
	for key, raw := range stored {
		if _, derr := decodeLayer(raw); derr != nil {
			c.log.Warn("unreadable layer analysis in the store; treated as a miss", "key", key, "err", derr)
			delete(stored, key)
		}
	}
	return stored, nil
}

// unclaimLayers hands back holder's claims on keys, best effort and
// bounded: it runs after a failure (often the request's own context
// ending), and a claim it misses lapses with the scanner timeout.
func (c *Protocol) unclaimLayers(ctx context.Context, keys []string, holder string) {
	if len(keys) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unclaimTimeout)
	defer cancel()
	for _, key := range keys {
		if _, err := c.store.ReleaseLayerClaim(ctx, key, holder); err != nil && !errors.Is(err, store.ErrInvalid) {
			c.log.Warn("layer lookup failed; a claim it took could not be handed back and lapses with the scanner timeout",
				"layer", key, "claim", holder, "err", err)
		}
	}
}

// unclaimTimeout bounds handing back a failed lookup's claims.
const unclaimTimeout = 10 * time.Second
