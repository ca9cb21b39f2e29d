package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/store"
)

// testLayerKey is a valid layer key, distinct per c.
func testLayerKey(c byte) string {
	return layer.Key(all.Version(), "sha256:"+strings.Repeat(string(c), 64))
}

func openLayerStore(t *testing.T) store.Store {
	t.Helper()
	st, err := store.OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// postLookup calls the batch lookup's handler with in (a value, or raw
// JSON as []byte).
func postLookup(t *testing.T, p *Protocol, in any) (*httptest.ResponseRecorder, error) {
	t.Helper()
	raw, ok := in.([]byte)
	if !ok {
		var err error
		if raw, err = json.Marshal(in); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/layers/lookup", bytes.NewReader(raw))
	rec := httptest.NewRecorder()
	return rec, p.lookupLayers(rec, req)
}

// TestLookupLayers: one request answers every layer of an image as the
// single-layer GET would (a stored analysis found; an unknown layer, or
// one whose stored entry is unreadable, claimed for the caller; a layer
// another holder's live claim covers pending), in the request's order, a
// key named twice answered alike; the claims are the store's, held by the
// request's holder.
func TestLookupLayers(t *testing.T) {
	ctx := t.Context()
	st := openLayerStore(t)
	known, unknown, held, corrupt := testLayerKey('a'), testLayerKey('b'), testLayerKey('c'), testLayerKey('d')
	stored, err := json.Marshal(&layer.Analysis{Entries: 7, Bytes: 2048})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutLayer(ctx, known, stored); err != nil {
		t.Fatal(err)
	}
	if err := st.PutLayer(ctx, corrupt, []byte(`{"entries":-1}`)); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if got, _, err := st.ClaimLayer(ctx, held, "other", "other/1", now, now.Add(time.Hour)); err != nil || !got {
		t.Fatalf("other's claim: %v %v", got, err)
	}
	hits, misses := 0, 0
	p := New(Config{Store: st, ScannerTimeout: time.Minute, LayerLookup: func(hit bool) {
		if hit {
			hits++
		} else {
			misses++
		}
	}})

	keys := []string{known, unknown, held, corrupt, unknown}
	rec, err := postLookup(t, p, api.LayerLookupRequest{Claim: "s1/x", Keys: keys})
	if err != nil || rec.Code != http.StatusOK {
		t.Fatalf("lookup: %v, status %d: %s", err, rec.Code, rec.Body)
	}
	var out api.LayerLookupResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	want := []api.LayerStatus{api.LayerFound, api.LayerClaimed, api.LayerPending, api.LayerClaimed, api.LayerClaimed}
	if len(out.Layers) != len(keys) {
		t.Fatalf("%d answers for %d keys: %s", len(out.Layers), len(keys), rec.Body)
	}
	for i, l := range out.Layers {
		if l.Key != keys[i] || l.Status != want[i] {
			t.Errorf("answer %d: %s %s, want %s %s", i, l.Key, l.Status, keys[i], want[i])
		}
		if (l.Analysis != nil) != (want[i] == api.LayerFound) {
			t.Errorf("answer %d (%s): analysis %s", i, l.Status, l.Analysis)
		}
	}
	if a, err := out.Layers[0].Decode(); err != nil || a.Entries != 7 || a.Bytes != 2048 {
		t.Errorf("found layer's analysis %+v (%v), want the stored one", a, err)
	}
	for _, tc := range []struct {
		key, holder string
	}{{unknown, "s1/x"}, {corrupt, "s1/x"}, {held, "other/1"}} {
		if c, live, err := st.LayerClaim(ctx, tc.key, time.Now()); err != nil || !live || c.Holder != tc.holder {
			t.Errorf("claim on %s: %+v live %v (%v), want held by %s", tc.key, c, live, err, tc.holder)
		}
	}
	if hits != 1 || misses != 2 {
		t.Errorf("metrics counted %d hits and %d misses, want 1 and 2 (pending is neither; a key named twice counts once)", hits, misses)
	}

	// The holder stores one; the next scan's lookup finds it, and the
	// claim of the other is still the first holder's (pending).
	if err := st.PutClaimedLayer(ctx, unknown, "s1/x", stored, time.Now()); err != nil {
		t.Fatal(err)
	}
	rec, err = postLookup(t, p, api.LayerLookupRequest{Claim: "s2/y", Keys: []string{unknown, corrupt}})
	if err != nil {
		t.Fatal(err)
	}
	out = api.LayerLookupResponse{}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Layers[0].Status != api.LayerFound || out.Layers[1].Status != api.LayerPending {
		t.Errorf("second scan's lookup: %s", rec.Body)
	}
}

// TestLookupLayersBadRequest: a lookup that cannot be answered is refused
// whole with 400 and a message naming the cause (and the key, by its
// place), before any layer is claimed.
func TestLookupLayersBadRequest(t *testing.T) {
	st := openLayerStore(t)
	p := New(Config{Store: st, ScannerTimeout: time.Minute})
	good := testLayerKey('e')
	many := make([]string, api.MaxLayerLookup+1)
	for i := range many {
		many[i] = good
	}
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"no claim", api.LayerLookupRequest{Keys: []string{good}}, "no claim holder"},
		{"no keys", api.LayerLookupRequest{Claim: "s/1"}, "no keys"},
		{"too many keys", api.LayerLookupRequest{Claim: "s/1", Keys: many}, fmt.Sprintf("over the %d limit", api.MaxLayerLookup)},
		{"bad key", api.LayerLookupRequest{Claim: "s/1", Keys: []string{good, "a3/sha256:" + strings.Repeat("0", 64)}}, "key 1: layer key \"a3/"},
		{"not a digest", api.LayerLookupRequest{Claim: "s/1", Keys: []string{all.Version() + "/latest"}}, "key 0:"},
		{"not JSON", []byte(`{"claim":`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := postLookup(t, p, tc.in)
			if web.StatusOf(err) != http.StatusBadRequest || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Fatalf("error %v (status %d), want 400 containing %q", err, web.StatusOf(err), tc.want)
			}
			if c, live, err := st.LayerClaim(t.Context(), good, time.Now()); err != nil || live {
				t.Errorf("a refused lookup left a claim: %+v %v", c, err)
			}
		})
	}
}

// failingLayerStore fails GetLayer of one key (the batch's look again
// after claiming a missing layer), as a database lost (or a request
// cancelled: the scanner died) part way through a batch does.
type failingLayerStore struct {
	store.Store
	failKey string
}

var errLayerRead = errors.New("injected: connection lost")

func (s *failingLayerStore) GetLayer(ctx context.Context, key string) ([]byte, bool, error) {
	if key == s.failKey {
		return nil, false, errLayerRead
	}
	return s.Store.GetLayer(ctx, key)
}

// TestLookupLayersFailsPartWay: a batch that fails at its third layer
// (after claiming it) answers an error naming that layer and its holder,
// and hands back the claims it took, the third's included, so nobody
// waits on claims whose holder never learnt of them; a retry by the same
// holder claims all.
func TestLookupLayersFailsPartWay(t *testing.T) {
	ctx := t.Context()
	st := openLayerStore(t)
	keys := []string{testLayerKey('1'), testLayerKey('2'), testLayerKey('3')}
	fs := &failingLayerStore{Store: st, failKey: keys[2]}
	p := New(Config{Store: fs, ScannerTimeout: time.Minute})
	_, err := postLookup(t, p, api.LayerLookupRequest{Claim: "s1/x", Keys: keys})
	if !errors.Is(err, errLayerRead) || !strings.Contains(err.Error(), keys[2]) || !strings.Contains(err.Error(), "s1/x") {
		t.Fatalf("error %v, want the store's, naming layer %s and holder s1/x", err, keys[2])
	}
	for _, k := range keys {
		if c, live, err := st.LayerClaim(ctx, k, time.Now()); err != nil || live {
			t.Errorf("claim on %s left behind after the failed lookup: %+v (%v)", k, c, err)
		}
	}
	fs.failKey = ""
	rec, err := postLookup(t, p, api.LayerLookupRequest{Claim: "s1/x", Keys: keys})
	if err != nil || !strings.Contains(rec.Body.String(), `"claimed"`) || strings.Contains(rec.Body.String(), `"pending"`) {
		t.Fatalf("retry: %v %s, want every layer claimed", err, rec.Body)
	}
}
