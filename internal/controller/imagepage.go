package controller

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/store"
)

// maxImagePage bounds one page of GET /api/v1/images (?limit=).
const maxImagePage = 1000

// imagePage reads the paging parameters of GET /api/v1/images: ?limit=N
// (1 to maxImagePage; absent: every image, as before paging existed)
// and ?after=CURSOR, the cursor the previous page's Link header carried.
// Pages are cut in the store by keyset (store.ImageFilter Limit and
// After), so a page costs its length, not its offset, and images stored
// while a client pages through are neither skipped nor repeated.
func imagePage(q url.Values) (limit int, after *store.ImageSummary, err error) {
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, nil, web.Errorf(http.StatusBadRequest, "limit=%q: want a whole number from 1 to %d", v, maxImagePage)
		}
		limit = min(n, maxImagePage)
	}
	if v := q.Get("after"); v != "" {
		if limit == 0 {
			return 0, nil, web.Errorf(http.StatusBadRequest, "after= pages need limit=")
		}
		raw, err := base64.RawURLEncoding.DecodeString(v)
		var k []string
		if err == nil {
			err = json.Unmarshal(raw, &k)
		}
		if err != nil || len(k) != 4 {
			return 0, nil, web.Errorf(http.StatusBadRequest, "after=%q: not a cursor of this listing (pass the one in the previous page's Link header)", v)
		}
		after = &store.ImageSummary{Registry: k[0], Repository: k[1], Tag: k[2], Digest: k[3]}
	}
	return limit, after, nil
}

// imageCursor is the cursor of the page after im: its place in the
// listing's order (registry, repository, tag, digest).
func imageCursor(im store.ImageSummary) string {
	raw, _ := json.Marshal([]string{im.Registry, im.Repository, im.Tag, im.Digest}) // strings always encode
	return base64.RawURLEncoding.EncodeToString(raw)
}

// setNextPage points the answer's Link header (RFC 8288, rel="next") at
// the page after last, keeping the request's other parameters.
func setNextPage(w http.ResponseWriter, r *http.Request, last store.ImageSummary) {
	q := r.URL.Query()
	q.Set("after", imageCursor(last))
	w.Header().Set("Link", "<"+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
}
