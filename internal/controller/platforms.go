package controller

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

// getImagePlatforms is GET /api/v1/images/{digest}/platforms: every
// platform's result of a multi-platform image, together, with counts per
// platform and distinct findings in total. The digest is the index's (or
// a unique prefix of it), or one platform's, which names its index.
func (c *Controller) getImagePlatforms(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	digest, err := c.console.ResolveDigest(ctx, r.PathValue("digest"))
	if err != nil {
		return err
	}
	rows, err := c.store.ListImages(ctx, store.ImageFilter{Index: digest})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		own, err := c.store.ListImages(ctx, store.ImageFilter{Digest: digest})
		if err != nil {
			return err
		}
		if len(own) == 0 || own[0].IndexDigest == "" {
			return web.Errorf(http.StatusNotFound, "image %q is not a multi-platform image with stored results (see GET /api/v1/images/%s)", r.PathValue("digest"), digest)
		}
		digest = own[0].IndexDigest
		if rows, err = c.store.ListImages(ctx, store.ImageFilter{Index: digest}); err != nil {
			return err
		}
	}
	// One row per platform and repository the index was crawled in;
	// ordered by platform so every replica answers the same.
	slices.SortStableFunc(rows, func(a, b store.ImageSummary) int {
		return strings.Compare(a.Platform+"\x00"+a.Registry+"\x00"+a.Repository, b.Platform+"\x00"+b.Registry+"\x00"+b.Repository)
	})
	out := api.IndexView{IndexDigest: digest, Tags: []string{}, Platforms: []api.PlatformResult{}, Severities: map[string]int{}}
	type finding struct{ id, pkg, version string }
	distinct := map[finding]bool{}
	for _, im := range rows {
		raw, ok, err := c.store.Report(ctx, im.Key())
		if err != nil {
			return err
		}
		if !ok {
			continue // deleted meanwhile
		}
		var rep report.Report
		if err := json.Unmarshal(raw, &rep); err != nil {
			return web.Errorf(http.StatusInternalServerError, "stored report of %s/%s@%s: %v", im.Registry, im.Repository, im.Digest, err)
		}
		for _, v := range rep.Vulnerabilities {
			f := finding{v.ID, v.Package, v.InstalledVersion}
			if !distinct[f] {
				distinct[f] = true
				out.Severities[strings.ToUpper(string(v.Severity))]++
			}
		}
		if im.Tag != "" && !slices.Contains(out.Tags, im.Tag) {
			out.Tags = append(out.Tags, im.Tag)
		}
		out.Platforms = append(out.Platforms, api.PlatformResult{Platform: im.Platform, Digest: im.Digest, Registry: im.Registry, Repository: im.Repository,
			ScannedAt: im.ScannedAt, Packages: im.Packages, Vulnerabilities: im.Vulnerabilities, Severities: im.Severities, Report: raw})
	}
	out.Vulnerabilities = len(distinct)
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
