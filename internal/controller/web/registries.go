package web

import (
	"context"
	"net/url"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/store"
)

// RegistryNames maps the canonical host of every configured registry to
// its name, so a result for an image of a configured registry is stored
// under that registry like the crawler's results are.
func RegistryNames(ctx context.Context, st store.Store) (map[string]string, error) {
	regs, err := st.ListRegistries(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, rr := range regs {
		u, err := url.Parse(rr.URL)
		if err != nil || u.Host == "" {
			continue
		}
		h := admission.CanonicalHost(u.Host)
		if _, dup := out[h]; !dup { // the first by name wins, deterministically
			out[h] = rr.Name
		}
	}
	return out, nil
}
