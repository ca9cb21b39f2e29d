package crawl

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// ValidatePlatforms checks a registry's platforms setting: each entry is
// "os/arch[/variant]".
func ValidatePlatforms(platforms []string) error {
	for _, p := range platforms {
		if _, _, _, err := splitPlatform(p); err != nil {
			return err
		}
	}
	return nil
}

// SelectPlatforms keeps the manifests whose platform one of want names
// (all of them when want is empty). A wanted variant must match; no
// wanted variant accepts any; arm64's v8 and arm's v7 are their
// architectures' defaults, as registries and engines treat them.
func SelectPlatforms(ms []PlatformManifest, want []string) []PlatformManifest {
	if len(want) == 0 {
		return ms
	}
	var out []PlatformManifest
	for _, m := range ms {
		hos, harch, hvar, err := splitPlatform(m.Platform)
		if err != nil {
			continue
		}
		for _, w := range want {
			wos, warch, wvar, err := splitPlatform(w)
			if err != nil || wos != hos || warch != harch {
				continue
			}
			if wvar == "" || defaultVariant(warch, wvar) == defaultVariant(harch, hvar) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

func splitPlatform(s string) (os, arch, variant string, err error) {
	// An OS version (":10.0.17763") is not selected on.
	base, _, _ := strings.Cut(strings.TrimSpace(s), ":")
	parts := strings.Split(base, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return "", "", "", fmt.Errorf("platform %q is not os/arch[/variant] (e.g. linux/arm64)", s)
	}
	if len(parts) == 3 {
		variant = parts[2]
	}
	return parts[0], parts[1], variant, nil
}

func defaultVariant(arch, variant string) string {
	if (arch == "arm64" && variant == "v8") || (arch == "arm" && variant == "v7") {
		return ""
	}
	return variant
}

// Resolve reads one manifest of r's repository repo, by tag or digest,
// as Crawl resolves a tag: its digest, media type and, for an image
// index, its platforms and platform manifests. A push names a digest
// whose kind the push does not always say; this tells an index, whose
// platforms are scanned one by one, from a single image.
func Resolve(ctx context.Context, r Registry, opts Options, repo, ref string) (Image, error) {
	if opts.Credentials != nil && CloudKind(r.Kind) {
		user, pass, _, err := opts.Credentials.Credentials(ctx, r)
		if err != nil {
			c := &crawler{r: r}
			return Image{}, c.redact(fmt.Errorf("registry %q: obtaining %s credentials: %w", displayName(r), r.Kind, err))
		}
		r.Username, r.Password, r.Token = user, pass, ""
	}
	// One manifest: no listing (an explicit list of the one repository
	// keeps every kind's lister out of it).
	r.Repositories, r.Filters = []string{repo}, nil
	c, err := newCrawler(r, opts, func(Image) error { return nil }, nil)
	if err != nil {
		return Image{}, c.redact(fmt.Errorf("registry %q: %w: %w", displayName(r), ErrInvalidConfig, err))
	}
	if !validRepository(repo) {
		return Image{}, fmt.Errorf("registry %q: invalid repository %q", c.name, repo)
	}
	rt, err := c.authTransport(ctx, c.reg.Repo(repo).Scope(transport.PullScope))
	if err != nil {
		return Image{}, c.redact(fmt.Errorf("registry %q: %s: %w", c.name, repo, err))
	}
	img, err := c.resolve(ctx, rt, repo, ref)
	if err != nil {
		return img, c.redact(fmt.Errorf("registry %q: %s@%s: %w", c.name, repo, ref, err))
	}
	return img, nil
}
