// Package submit takes standalone scan results (a build pipeline's scan,
// a host scan) into the shared store: an image report once per
// repository it was scanned as, under the configured registry's name when
// its host matches, every tag recorded; host reports by host name.
package submit

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
)

// Handler stores standalone results (POST /api/v1/results) and serves
// the host reports.
type Handler struct {
	store store.Store
	log   *slog.Logger
	// scanDone counts a stored scan in the controller's metrics.
	scanDone func(result string, seconds float64)
	// triage applies the exceptions to results and publishes events
	// (nil: neither).
	triage *triage.Engine
}

// SetTriage makes results go through the exceptions and notifications
// (issue #20).
func (c *Handler) SetTriage(e *triage.Engine) { c.triage = e }

// New returns the handler over st; scanDone counts each stored scan
// (nil: not counted).
func New(st store.Store, log *slog.Logger, scanDone func(result string, seconds float64)) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if scanDone == nil {
		scanDone = func(string, float64) {}
	}
	return &Handler{store: st, log: log, scanDone: scanDone}
}

// Routes registers the submission and host routes.
func (c *Handler) Routes(h web.Route) {
	h("POST /api/v1/results", web.SubmitAccess, web.MaxResultBody, c.submitResult)
	h("GET /api/v1/hosts", web.ReadAccess, 0, c.listHosts)
	h("GET /api/v1/hosts/{name}", web.ReadAccess, 0, c.getHost)
}

func (c *Handler) submitResult(w http.ResponseWriter, r *http.Request) error {
	var in api.SubmitRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if len(in.Report) == 0 {
		return web.Errorf(http.StatusBadRequest, "no report")
	}
	var rep report.Report
	if err := json.Unmarshal(in.Report, &rep); err != nil {
		return web.Errorf(http.StatusBadRequest, "report: %v", err)
	}
	if rep.DB == nil || rep.DB.Digest == "" {
		// A packages-only report would pass for an image without
		// findings and let it through admission control.
		return web.Errorf(http.StatusBadRequest, "report was not matched against a vulnerability database (no db)")
	}
	scanner := strings.TrimSpace(in.Scanner)
	if len(scanner) > 253 {
		return web.Errorf(http.StatusBadRequest, "scanner name over 253 characters")
	}
	at := time.Now().UTC()
	// The scan's own time, so "scanned longer ago than" rules see how old
	// the result really is; a clock ahead of ours counts as now.
	if !rep.ScannedAt.IsZero() && rep.ScannedAt.Before(at) {
		at = rep.ScannedAt.UTC()
	}
	var (
		out api.SubmitResponse
		err error
	)
	switch {
	case rep.Host != nil && rep.Image == nil:
		if in.IndexDigest != "" || in.Platform != "" {
			return web.Errorf(http.StatusBadRequest, "a host report has no image index: give index_digest and platform with an image report only")
		}
		out, err = c.submitHost(r.Context(), in, &rep, scanner, at)
	case rep.Image != nil && rep.Host == nil:
		out, err = c.submitImage(r.Context(), in, &rep, scanner, at)
	default:
		return web.Errorf(http.StatusBadRequest, "report must describe an image or a host")
	}
	if err != nil {
		return err
	}
	c.scanDone("success", 0)
	web.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// submitImage stores an image result under each repository it was
// scanned as, exactly as a scanner's result for a crawled image is stored.
func (c *Handler) submitImage(ctx context.Context, in api.SubmitRequest, rep *report.Report, scanner string, at time.Time) (api.SubmitResponse, error) {
	out := api.SubmitResponse{Kind: "image"}
	refs := in.References
	if len(refs) == 0 {
		refs = []string{rep.Image.Reference}
	}
	if len(refs) > 100 {
		return out, web.Errorf(http.StatusBadRequest, "%d references; at most 100", len(refs))
	}
	plat, err := platformOf(in, rep)
	if err != nil {
		return out, err
	}
	regNames, err := web.RegistryNames(ctx, c.store)
	if err != nil {
		return out, err
	}
	type repoKey struct{ registry, repository, digest string }
	var order []repoKey
	tags := map[repoKey][]string{}
	for _, s := range refs {
		name, ok := registryReference(s)
		if !ok {
			return out, web.Errorf(http.StatusBadRequest, "reference %q is not a registry reference (host/repo:tag or host/repo@digest); pass references", s)
		}
		ref, err := admission.ParseRef(name)
		if err != nil {
			return out, web.Errorf(http.StatusBadRequest, "%v", err)
		}
		digest := rep.Image.Digest
		if ref.Digest != "" {
			digest = ref.Digest
		}
		if digest == "" {
			return out, web.Errorf(http.StatusBadRequest, "report of %s has no image digest and the reference names none", s)
		}
		digests := uniq(digest, rep.Image.Digest)
		if plat.index != "" {
			// One platform's result is stored under its own digest only;
			// the index's digest is what the tags point to.
			if ref.Digest != "" && ref.Digest != plat.index && ref.Digest != rep.Image.Digest {
				return out, web.Errorf(http.StatusBadRequest, "reference %q names neither the image index %s nor platform %s's digest %s", s, plat.index, plat.platform, rep.Image.Digest)
			}
			digests = []string{rep.Image.Digest}
		}
		reg := ref.Registry
		if n, ok := regNames[ref.Registry]; ok {
			reg = n
		}
		for _, d := range digests {
			k := repoKey{reg, ref.Repository, d}
			if _, seen := tags[k]; !seen {
				order = append(order, k)
				tags[k] = nil
			}
			if ref.Tag != "" && !slices.Contains(tags[k], ref.Tag) {
				tags[k] = append(tags[k], ref.Tag)
			}
		}
	}
	dbDigest := ""
	if rep.DB != nil {
		dbDigest = rep.DB.Digest
	}
	by := "standalone"
	if scanner != "" {
		by += ":" + scanner
	}
	for _, k := range order {
		ts := tags[k]
		tag := ""
		if len(ts) > 0 {
			tag = ts[len(ts)-1]
		}
		host := k.registry
		if h, ok := hostOfName(regNames, k.registry); ok {
			host = h
		}
		im := store.ImageSummary{Registry: k.registry, Repository: k.repository, Tag: tag, Digest: k.digest,
			Reference: host + "/" + k.repository + "@" + k.digest, DBDigest: dbDigest, ScannedAt: at, ScannedBy: by,
			IndexDigest: plat.index, Platform: plat.platform}
		// Exceptions apply per repository the report is stored as.
		raw := in.Report
		pend, err := c.triage.PrepareResult(ctx, store.ImageKey{Registry: k.registry, Repository: k.repository, Digest: k.digest}, ts, rep)
		if err != nil {
			return out, err
		}
		if pend != nil {
			raw = pend.Raw
		}
		if _, err := c.store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
			return out, err
		}
		c.triage.ResultStored(ctx, pend)
		tagged := store.ImageKey{Registry: k.registry, Repository: k.repository, Digest: k.digest}
		if plat.index != "" {
			// A multi-platform image's tag names its index, as a crawl
			// records it: admission resolves it to the worst platform.
			tagged.Digest = plat.index
		}
		for _, t := range ts {
			// The tag points at this digest from now on, however old the
			// scan: the latest submission or crawl of a tag wins.
			if err := c.store.PutTag(ctx, tagged, t, time.Now()); err != nil {
				return out, err
			}
		}
		out.Images = append(out.Images, api.StoredImage{Registry: k.registry, Repository: k.repository, Digest: k.digest, Tags: ts})
		c.log.Info("standalone result stored", "scanner", by, "registry", k.registry, "repository", k.repository, "digest", k.digest,
			"index", plat.index, "platform", plat.platform, "tags", ts, "vulnerabilities", len(rep.Vulnerabilities))
	}
	return out, nil
}

// indexPlatform is where a submitted platform's result belongs: the
// image index and the platform ("" and "" for an image of its own).
type indexPlatform struct{ index, platform string }

var validPlatform = regexp.MustCompile(`^[a-z0-9_.-]{1,64}/[a-z0-9_.-]{1,64}(/[a-z0-9_.-]{1,64})?$`)

// platformOf checks a submission's index digest and platform: both or
// neither, a sha256 digest other than the report's own, and an
// os/arch[/variant] platform.
func platformOf(in api.SubmitRequest, rep *report.Report) (indexPlatform, error) {
	p := indexPlatform{index: strings.TrimSpace(in.IndexDigest), platform: strings.TrimSpace(in.Platform)}
	switch {
	case p.index == "" && p.platform == "":
		return p, nil
	case p.index == "":
		return p, web.Errorf(http.StatusBadRequest, "platform %q without index_digest: give the image index's digest, or neither", p.platform)
	case p.platform == "":
		return p, web.Errorf(http.StatusBadRequest, "index_digest %s without platform: give the platform (os/arch[/variant]) the report is of", p.index)
	}
	if _, err := v1.NewHash(p.index); err != nil || !strings.HasPrefix(p.index, "sha256:") {
		return p, web.Errorf(http.StatusBadRequest, "index_digest %q: want sha256:<64 hex digits>", p.index)
	}
	if !validPlatform.MatchString(p.platform) {
		return p, web.Errorf(http.StatusBadRequest, "platform %q: want os/arch[/variant]", p.platform)
	}
	if rep.Image.Digest == "" || rep.Image.Digest == p.index {
		return p, web.Errorf(http.StatusBadRequest, "report of %s for platform %s must carry the platform's manifest digest, not the index's (%s)", rep.Image.Reference, p.platform, p.index)
	}
	return p, nil
}

var validHostName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$`)

func (c *Handler) submitHost(ctx context.Context, in api.SubmitRequest, rep *report.Report, scanner string, at time.Time) (api.SubmitResponse, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = rep.Host.Hostname
	}
	if !validHostName.MatchString(name) {
		return api.SubmitResponse{}, web.Errorf(http.StatusBadRequest, "host name %q: want letters, digits, '.', '_', ':', '-' (give name)", name)
	}
	h := store.HostSummary{Name: name, Hostname: rep.Host.Hostname, Kernel: rep.Host.Kernel, Root: rep.Host.Root, ScannedAt: at, ScannedBy: scanner}
	if h.ScannedBy == "" {
		h.ScannedBy = name
	}
	if rep.OS != nil {
		h.OS = rep.OS.PrettyName
		if h.OS == "" {
			h.OS = strings.TrimSpace(rep.OS.ID + " " + rep.OS.VersionID)
		}
	}
	if rep.DB != nil {
		h.DBDigest = rep.DB.Digest
	}
	if err := c.store.PutHost(ctx, h, rep, in.Report); err != nil {
		return api.SubmitResponse{}, err
	}
	c.log.Info("host result stored", "host", name, "scanner", h.ScannedBy, "vulnerabilities", len(rep.Vulnerabilities))
	return api.SubmitResponse{Kind: "host", Host: name}, nil
}

func (c *Handler) listHosts(w http.ResponseWriter, r *http.Request) error {
	hs, err := c.store.ListHosts(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, apiconv.Slice(hs, apiconv.HostSummary))
	return nil
}

func (c *Handler) getHost(w http.ResponseWriter, r *http.Request) error {
	raw, ok, err := c.store.HostReport(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "host %q not known", r.PathValue("name"))
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(raw) // #nosec G705 -- a stored JSON document served as application/json, never HTML
	return nil
}

func hostOfName(names map[string]string, name string) (string, bool) {
	for h, n := range names {
		if n == name {
			return h, true
		}
	}
	return "", false
}

// registryReference strips the "docker:" transport (an engine's image,
// named as the registry it came from) and refuses the file transports,
// which name no registry.
func registryReference(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "docker:"); ok {
		return rest, rest != ""
	}
	for _, p := range []string{"docker-archive:", "oci-archive:", "oci:", "sbom:"} {
		if strings.HasPrefix(s, p) {
			return "", false
		}
	}
	return s, s != ""
}

func uniq(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
