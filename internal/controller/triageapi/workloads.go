package triageapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

// WorkloadStore is what the running-workload views read.
type WorkloadStore interface {
	store.Workloads
	ListRegistries(ctx context.Context) ([]store.Registry, error)
	FindImage(ctx context.Context, registries []string, repository, tag, digest string) (store.StoredImage, bool, error)
	ImagesWithVuln(ctx context.Context, ids ...string) ([]store.ImageKey, error)
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
	ok    bool
	im    store.StoredImage
	vulns int
	sev   map[string]int
}

// Resolve finds the stored result of every running container's image as
// admission's lookup does: the host and the configured registry of that
// host, by digest when the container's is known, else by tag.
func (wl *Workloads) Resolve(ctx context.Context, cs []store.RunningContainer) ([]api.RunningWorkload, error) {
	names, err := registryNames(ctx, wl.Store)
	if err != nil {
		return nil, err
	}
	cache := map[[4]string]resolved{}
	out := make([]api.RunningWorkload, 0, len(cs))
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
				return nil, err
			}
			r = resolved{ok: ok, im: im}
			if ok {
				var rep report.Report
				if err := json.Unmarshal(im.Report, &rep); err == nil {
					r.vulns, r.sev = len(rep.Vulnerabilities), map[string]int{}
					for _, v := range rep.Vulnerabilities {
						r.sev[strings.ToUpper(string(v.Severity))]++
					}
				}
			}
			r.im.Report = nil
			cache[key] = r
		}
		w := api.RunningWorkload{RunningContainer: c, Scanned: r.ok, Vulnerabilities: r.vulns, Severities: r.sev}
		if r.ok {
			at := r.im.ScannedAt
			w.ScannedDigest, w.ScannedAt = r.im.Digest, &at
		}
		out = append(out, w)
	}
	return out, nil
}

// RunningDigests gives the digests of the stored results that run now,
// each running container's image resolved as Resolve (and admission)
// resolve it, and how many running containers are recorded (0: nothing
// watched, or nothing runs). It reads no report, so the console's image
// list can mark running images on every page load.
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
	cs, err := wl.Store.ListRunning(ctx, store.RunningFilter{Namespace: q.Get("namespace")})
	if err != nil {
		return err
	}
	all, err := wl.Resolve(ctx, cs)
	if err != nil {
		return err
	}
	var withCVE map[string]bool
	if cve := q.Get("cve"); cve != "" {
		keys, err := wl.Store.ImagesWithVuln(ctx, cve, strings.ToUpper(cve))
		if err != nil {
			return err
		}
		withCVE = map[string]bool{}
		for _, k := range keys {
			withCVE[k.Digest] = true
		}
	}
	out := []api.RunningWorkload{}
	for _, rw := range all {
		if scanned != nil && rw.Scanned != *scanned {
			continue
		}
		if withCVE != nil && !withCVE[rw.ScannedDigest] {
			continue
		}
		out = append(out, rw)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
