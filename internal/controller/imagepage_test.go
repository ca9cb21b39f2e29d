package controller

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

// getPage GETs one page of images and returns it with its next page's
// path ("" on the last page).
func getPage(t *testing.T, f *fixture, path string) ([]store.ImageSummary, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.reader)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s %v", path, resp.StatusCode, body, err)
	}
	var page []store.ImageSummary
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	next := ""
	if link := resp.Header.Get("Link"); link != "" {
		m := regexp.MustCompile(`^<([^>]+)>; rel="next"$`).FindStringSubmatch(link)
		if m == nil {
			t.Fatalf("GET %s: Link %q", path, link)
		}
		next = m[1]
	}
	return page, next
}

// TestImagesPaged: GET /api/v1/images?limit= pages through the store by
// keyset; a client following the Link headers while images are stored
// (before and after its place in the order, and re-scans of listed
// ones) sees every image stored before it started exactly once, and
// every image stored after its place too.
func TestImagesPaged(t *testing.T) {
	f := newFixture(t, Config{})
	rep := &report.Report{SchemaVersion: report.SchemaVersion, OS: &report.OS{ID: "alpine", VersionID: "3.20.3"}}
	at := time.Now().UTC()
	put := func(repo, tag string, n int) string {
		d := hexDigest(n)
		storeImage(t, f.c, "r", repo, tag, d, rep, at)
		return repo + "@" + d
	}
	want := map[string]bool{}
	for i := range 23 {
		want[put(fmt.Sprintf("app%02d", i%5), fmt.Sprintf("v%d", i), i+1)] = true
	}

	for _, limit := range []int{1, 4, 23, 50} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			seen := map[string]int{}
			later := map[string]bool{} // stored after the client's place
			path := fmt.Sprintf("/api/v1/images?limit=%d", limit)
			for pages := 0; path != ""; pages++ {
				if pages > 200 {
					t.Fatal("more than 200 pages")
				}
				page, next := getPage(t, f, path)
				if len(page) > limit || (next != "" && len(page) != limit) {
					t.Fatalf("page %d: %d images, limit %d, next %q", pages, len(page), limit, next)
				}
				for _, im := range page {
					seen[im.Repository+"@"+im.Digest]++
				}
				// Between the first pages: an image before the client's
				// place, one after it, and a re-scan of one already listed.
				if next != "" && pages < 5 {
					n := 1000*limit + 2*pages
					put("aaa", "v", n)
					later[put("zzz", "v", n+1)] = true
					put(page[0].Repository, page[0].Tag, mustDigestNumber(t, page[0].Digest))
				}
				path = next
			}
			for k := range want {
				if seen[k] != 1 {
					t.Errorf("image %s listed %d times, want once", k, seen[k])
				}
			}
			for k := range later {
				if seen[k] != 1 {
					t.Errorf("image %s stored after the client's place: listed %d times, want once", k, seen[k])
				}
			}
			for k, n := range seen {
				if n > 1 {
					t.Errorf("image %s listed %d times", k, n)
				}
			}
		})
	}

	// Without limit= the whole list, in one answer and no Link.
	all, next := getPage(t, f, "/api/v1/images")
	if next != "" || len(all) < len(want) {
		t.Errorf("unpaged: %d images, next %q", len(all), next)
	}

	for _, c := range []struct{ query, want string }{
		{"limit=0", "limit"},
		{"limit=x", "limit"},
		{"after=abc", "need limit"},
		{"limit=5&after=bm90IGEgY3Vyc29y", "not a cursor"},
	} {
		code, body := f.do(t, http.MethodGet, "/api/v1/images?"+c.query, f.reader, nil)
		if code != http.StatusBadRequest || !regexp.MustCompile(c.want).Match(body) {
			t.Errorf("?%s: %d %s, want 400 naming %q", c.query, code, body, c.want)
		}
	}
}

func mustDigestNumber(t *testing.T, d string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(d, "sha256:%x", &n); err != nil {
		t.Fatalf("digest %s: %v", d, err)
	}
	return n
}
