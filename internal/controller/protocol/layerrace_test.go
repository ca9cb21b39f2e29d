package protocol

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/store"
)

// staleMissStore answers the first GetLayer with a miss read just before
// the claim's holder stored its analysis and released its claim: the
// interleaving in which a lookup's miss and its claim straddle the
// holder's last two requests.
type staleMissStore struct {
	store.Store
	once   sync.Once
	holder string
	raw    []byte
}

func (s *staleMissStore) GetLayer(ctx context.Context, key string) ([]byte, bool, error) {
	stale := false
	s.once.Do(func() {
		stale = true
		if err := s.Store.PutClaimedLayer(ctx, key, s.holder, s.raw, time.Now()); err != nil {
			panic(err)
		}
		if _, err := s.Store.ReleaseLayerClaim(ctx, key, s.holder); err != nil {
			panic(err)
		}
	})
	if stale {
		return nil, false, nil
	}
	return s.Store.GetLayer(ctx, key)
}

// TestLookupAfterHolderStored: a lookup whose miss was read just before
// the holder stored the layer and dropped its claim gets the stored
// analysis, not a claim of its own (which would download the layer a
// second time, as TestFleetInProcess saw on a loaded machine).
func TestLookupAfterHolderStored(t *testing.T) {
	ctx := t.Context()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := layer.Key(all.Version(), "sha256:"+strings.Repeat("c", 64))
	now := time.Now()
	if got, _, err := st.ClaimLayer(ctx, key, "scanner-a", "scanner-a/1", now, now.Add(time.Minute)); err != nil || !got {
		t.Fatalf("first claim: got %v, err %v", got, err)
	}
	raw, err := json.Marshal(&layer.Analysis{Entries: 3, Bytes: 1536})
	if err != nil {
		t.Fatal(err)
	}
	p := New(Config{Store: &staleMissStore{Store: st, holder: "scanner-a/1", raw: raw}, ScannerTimeout: time.Minute})

	req := httptest.NewRequest(http.MethodGet, "/api/v1/layers/x?claim=scanner-b/2", nil)
	req.SetPathValue("key", key)
	rec := httptest.NewRecorder()
	if err := p.getLayer(rec, req); err != nil {
		t.Fatalf("lookup after the holder stored: %v (the second scanner was told to analyse the layer again)", err)
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200 with the stored analysis: %s", rec.Code, rec.Body)
	}
	var a layer.Analysis
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.Entries != 3 {
		t.Fatalf("answer %s (%v), want the holder's analysis", rec.Body, err)
	}
	if c, live, err := st.LayerClaim(ctx, key, time.Now()); err != nil || live {
		t.Errorf("claim left behind: %+v (live %v, err %v)", c, live, err)
	}
}
