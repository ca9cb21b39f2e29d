package feed

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFetchMembers: every listed record is fetched and named as inside
// the archive; a record not served is ErrRecordGone; records over the
// memory budget together are ErrFetchBudget; a cancelled update is an
// error, never members left empty.
func TestFetchMembers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/crates.io/"), ".json")
		if !ok || id == "GONE-1" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"id":"` + id + `"}`))
	}))
	defer srv.Close()
	dir := srv.URL + "/crates.io"
	var ids []string
	for _, c := range "abcdefghij" {
		ids = append(ids, "RUSTSEC-"+string(c))
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name    string
		ctx     context.Context
		ids     []string
		budget  int64
		wantErr error
	}{
		{"all served", context.Background(), ids, 0, nil},
		{"within the budget", context.Background(), ids, 10 * int64(len(`{"id":"RUSTSEC-a"}`)), nil},
		{"over the budget", context.Background(), ids, 10*int64(len(`{"id":"RUSTSEC-a"}`)) - 1, ErrFetchBudget},
		{"one gone", context.Background(), append([]string{"GONE-1"}, ids...), 0, ErrRecordGone},
		{"cancelled", cancelled, ids, 0, context.Canceled},
	} {
		got, err := FetchMembers(c.ctx, srv.Client(), dir, c.ids, c.budget)
		if c.wantErr != nil {
			if !errors.Is(err, c.wantErr) || got != nil {
				t.Errorf("%s: %d members, %v; want no members and %v", c.name, len(got), err, c.wantErr)
			}
			continue
		}
		if err != nil || len(got) != len(c.ids) {
			t.Fatalf("%s: %d members, %v", c.name, len(got), err)
		}
		for i, m := range got {
			if m.Name != c.ids[i]+".json" || string(m.Data) != `{"id":"`+c.ids[i]+`"}` {
				t.Errorf("%s: member %d: %s %q", c.name, i, m.Name, m.Data)
			}
		}
	}
}
