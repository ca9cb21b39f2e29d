package triageapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

// WorkloadStore is what the running-workload views read.
type WorkloadStore interface {
	store.Workloads
	ListRegistries(ctx context.Context) ([]store.Registry, error)
	FindImage(ctx context.Context, registries []string, repository, tag, digest string) (store.StoredImage, bool, error)
}

// Workloads serves GET /api/v1/workloads.
type Workloads struct {
	Store WorkloadStore
}

// Routes registers the route through h.
func (wl *Workloads) Routes(h web.Route) {
	h("GET /api/v1/workloads", web.ReadAccess, 0, wl.list)
}

// registryNames maps each configured registry's canonical host to its
// name, as admission does (controller/web.RegistryNames), so both views
// resolve an image alike.
func registryNames(ctx context.Context, st WorkloadStore) (map[string]string, error) {
	regs, err := st.ListRegistries(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range regs {
		u, err := url.Parse(r.URL)
		if err != nil || u.Host == "" {
			continue
		}
		h := admission.CanonicalHost(u.Host)
		if _, dup := out[h]; !dup {
			out[h] = r.Name
		}
	}
	return out, nil
}

type resolved struct {
	ok      bool
	im      store.StoredImage
	vulns   int
	sev     map[string]int
	carries bool // a finding's id or alias is the vulnerability asked for
}

// Resolve finds the stored result of every running container's image as
// admission's lookup does: the host and the configured registry of that
// host, by digest when the container's is known, else by tag.
func (wl *Workloads) Resolve(ctx context.Context, cs []store.RunningContainer) ([]api.RunningWorkload, error) {
	out, _, err := wl.resolve(ctx, cs, "")
	return out, err
}

// resolve is Resolve, also saying of each container whether its image's
// stored result has a finding whose id or alias is vuln (any case), as
// the CVE index records it. It reads that from the reports it decodes
// anyway, so the cve= filter costs nothing per image carrying the
// vulnerability fleet-wide (the index's list of them is unbounded), and
// it judges the very result the row shows: an exception scoped to one
// repository hides the finding there, not in another repository of the
// same digest.
func (wl *Workloads) resolve(ctx context.Context, cs []store.RunningContainer, vuln string) ([]api.RunningWorkload, []bool, error) {
	names, err := registryNames(ctx, wl.Store)
	if err != nil {
		return nil, nil, err
	}
	cache := map[[4]string]resolved{}
	out := make([]api.RunningWorkload, 0, len(cs))
	carries := make([]bool, 0, len(cs))
	for _, c := range cs {
		key := [4]string{c.Registry, c.Repository, c.Tag, c.Digest}
		r, seen := cache[key]
		if !seen && c.Repository != "" {
			regs := []string{c.Registry}
			if n, ok := names[c.Registry]; ok {
				regs = append(regs, n)
			}
			im, ok, err := wl.Store.FindImage(ctx, regs, c.Repository, c.Tag, c.Digest)
			if err != nil {
				return nil, nil, err
			}
			r = resolved{ok: ok, im: im}
			if ok {
				// A report that does not decode is an error, not a
				// workload shown with no findings.
				var rep report.Report
				if err := json.Unmarshal(im.Report, &rep); err != nil {
					return nil, nil, fmt.Errorf("stored report of %s/%s@%s: %w", c.Registry, c.Repository, im.Digest, err)
				}
				r.vulns, r.sev = len(rep.Vulnerabilities), map[string]int{}
				for _, v := range rep.Vulnerabilities {
					r.sev[strings.ToUpper(string(v.Severity))]++
					r.carries = r.carries || (vuln != "" && hasID(v, vuln))
				}
			}
			r.im.Report = nil
			cache[key] = r
		}
		w := api.RunningWorkload{RunningContainer: apiconv.RunningContainer(c), Scanned: r.ok, Vulnerabilities: r.vulns, Severities: r.sev}
		if r.ok {
			at := r.im.ScannedAt
			w.ScannedDigest, w.ScannedAt = r.im.Digest, &at
		}
		out = append(out, w)
		carries = append(carries, r.carries)
	}
	return out, carries, nil
}

func hasID(v report.Vulnerability, id string) bool {
	if strings.EqualFold(v.ID, id) {
		return true
	}
	for _, a := range v.Aliases {
		if strings.EqualFold(a, id) {
			return true
		}
	}
	return false
}

// RunningDigests gives the digests of the stored results that run now,
// each running container's image resolved as Resolve (and admission)
// resolve it, and how many running containers are recorded (0: nothing
// watched, or nothing runs). It decodes no report, but store.FindImage
// still reads each distinct running image's report column (the same
// lookup admission makes), which is why the console reuses the set for a
// few seconds rather than asking on every page load.
func RunningDigests(ctx context.Context, st WorkloadStore) (map[string]bool, int, error) {
	cs, err := st.ListRunning(ctx, store.RunningFilter{})
	if err != nil {
		return nil, 0, err
	}
	out := map[string]bool{}
	if len(cs) == 0 {
		return out, 0, nil
	}
	names, err := registryNames(ctx, st)
	if err != nil {
		return nil, 0, err
	}
	seen := map[[4]string]bool{}
	for _, c := range cs {
		key := [4]string{c.Registry, c.Repository, c.Tag, c.Digest}
		if seen[key] || c.Repository == "" {
			continue
		}
		seen[key] = true
		regs := []string{c.Registry}
		if n, ok := names[c.Registry]; ok {
			regs = append(regs, n)
		}
		im, ok, err := st.FindImage(ctx, regs, c.Repository, c.Tag, c.Digest)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			out[im.Digest] = true
		}
	}
	return out, len(cs), nil
}

func (wl *Workloads) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	var scanned *bool
	if s := q.Get("scanned"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return web.Errorf(http.StatusBadRequest, "scanned=%q: want true or false", s)
		}
		scanned = &b
	}
	f := store.RunningFilter{Namespace: q.Get("namespace")}
	var err error
	if f.Limit, f.After, err = workloadPage(q); err != nil {
		return err
	}
	cs, err := wl.Store.ListRunning(ctx, f)
	if err != nil {
		return err
	}
	if f.Limit > 0 && len(cs) == f.Limit {
		// From the store's last row, before the filters below: they may
		// shorten (even empty) a page that is not the last, and a client
		// must not read a short page as the end of the list.
		setNextPage(w, r, cs[len(cs)-1])
	}
	cve := q.Get("cve")
	all, carries, err := wl.resolve(ctx, cs, cve)
	if err != nil {
		return err
	}
	out := []api.RunningWorkload{}
	for i, rw := range all {
		if scanned != nil && rw.Scanned != *scanned {
			continue
		}
		if cve != "" && !carries[i] {
			continue
		}
		out = append(out, rw)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// workloadPage reads the paging parameters of GET /api/v1/workloads, as
// GET /api/v1/images pages: ?limit=N (1 to api.MaxWorkloadPage; absent:
// every container) and ?after=CURSOR, the cursor the previous page's
// Link header carried. Pages are cut in the store by keyset, so
// containers recorded or forgotten while a client pages through shift
// no other row: none is skipped or repeated.
func workloadPage(q url.Values) (int, *store.RunningContainer, error) {
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, nil, web.Errorf(http.StatusBadRequest, "limit=%q: want a whole number from 1 to %d", v, api.MaxWorkloadPage)
		}
		limit = min(n, api.MaxWorkloadPage)
	}
	v := q.Get("after")
	if v == "" {
		return limit, nil, nil
	}
	if limit == 0 {
		return 0, nil, web.Errorf(http.StatusBadRequest, "after= pages need limit=")
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	var k []string
	if err == nil {
		err = json.Unmarshal(raw, &k)
	}
	if err != nil || len(k) != 6 {
		return 0, nil, web.Errorf(http.StatusBadRequest, "after=%q: not a cursor of this listing (pass the one in the previous page's Link header)", v)
	}
	return limit, &store.RunningContainer{Namespace: k[0], WorkloadKind: k[1], Workload: k[2], Pod: k[3], PodUID: k[4], Container: k[5]}, nil
}

// setNextPage points the answer's Link header (RFC 8288, rel="next") at
// the page after last, keeping the request's other parameters.
func setNextPage(w http.ResponseWriter, r *http.Request, last store.RunningContainer) {
	raw, _ := json.Marshal([]string{last.Namespace, last.WorkloadKind, last.Workload, last.Pod, last.PodUID, last.Container}) // strings always encode
	q := r.URL.Query()
	q.Set("after", base64.RawURLEncoding.EncodeToString(raw))
	w.Header().Set("Link", "<"+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
}
