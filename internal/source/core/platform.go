package core

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// RefNameAnnotation names the tag of a manifest in an OCI layout index.
const RefNameAnnotation = "org.opencontainers.image.ref.name"

// maxIndexDepth bounds nested indexes (and so index cycles).
const maxIndexDepth = 4

// ParsePlatform parses "os/arch[/variant]".
func ParsePlatform(s string) (v1.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return v1.Platform{}, fmt.Errorf("platform %q is not os/arch[/variant]", s)
	}
	p := v1.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// PlatformString formats p as "os/arch[/variant]".
func PlatformString(p v1.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// normVariant treats the implied default variants as equal to none, as
// registries and engines do (linux/arm64 is linux/arm64/v8).
func normVariant(arch, variant string) string {
	switch {
	case arch == "arm64" && variant == "v8":
		return ""
	case arch == "arm" && variant == "v7":
		return ""
	}
	return variant
}

// platformMatches reports whether have satisfies want. A wanted variant
// must match; no wanted variant accepts any.
func platformMatches(have, want v1.Platform) bool {
	if have.OS != want.OS || have.Architecture != want.Architecture {
		return false
	}
	if want.Variant == "" {
		return true
	}
	return normVariant(have.Architecture, have.Variant) == normVariant(want.Architecture, want.Variant)
}

type candidate struct {
	idx  v1.ImageIndex
	desc v1.Descriptor
	plat v1.Platform
}

// PickPlatform chooses the image for plat in idx (descending into nested
// indexes), or fails listing the platforms that are there.
func PickPlatform(idx v1.ImageIndex, plat v1.Platform) (v1.Image, error) {
	var cands []candidate
	if err := collect(idx, 0, &cands); err != nil {
		return nil, err
	}
	var best *candidate
	for i := range cands {
		c := &cands[i]
		if !platformMatches(c.plat, plat) {
			continue
		}
		// Prefer the exact (normalised) variant when none was asked for,
		// e.g. plain linux/arm over linux/arm/v6.
		if best == nil || (plat.Variant == "" && normVariant(c.plat.Architecture, c.plat.Variant) == "" && normVariant(best.plat.Architecture, best.plat.Variant) != "") {
			best = c
		}
	}
	if best == nil {
		var have []string
		seen := map[string]bool{}
		for _, c := range cands {
			s := PlatformString(c.plat)
			if c.plat.OS == "" {
				s = "unknown"
			}
			if !seen[s] {
				seen[s] = true
				have = append(have, s)
			}
		}
		return nil, KindErrorf(ErrNotFound, "no image for platform %s in index (available: %s)", PlatformString(plat), strings.Join(have, ", "))
	}
	return best.idx.Image(best.desc.Digest)
}

func collect(idx v1.ImageIndex, depth int, out *[]candidate) error {
	if depth > maxIndexDepth {
		return KindErrorf(ErrInvalid, "indexes nested more than %d deep", maxIndexDepth)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, d := range m.Manifests {
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return err
			}
			if err := collect(child, depth+1, out); err != nil {
				return err
			}
		case d.MediaType.IsImage(), d.MediaType == "":
			c := candidate{idx: idx, desc: d}
			if d.Platform != nil {
				c.plat = *d.Platform
			} else {
				// Layouts often omit the platform: the config says it.
				img, err := idx.Image(d.Digest)
				if err != nil {
					return err
				}
				cfg, err := img.ConfigFile()
				if err != nil {
					return KindErrorf(ErrInvalid, "config of %s: %w", d.Digest, err)
				}
				c.plat = v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant}
			}
			*out = append(*out, c)
		}
	}
	return nil
}

// RefNameMatches compares an OCI ref.name annotation with what the user
// asked for: the annotation may hold a bare tag ("1.2") or a full reference
// ("localhost/app:1.2"), and so may the user.
func RefNameMatches(annotation, want string) bool {
	if annotation == want {
		return true
	}
	if i := strings.LastIndex(annotation, ":"); i >= 0 && !strings.Contains(annotation[i:], "/") && annotation[i+1:] == want {
		return true
	}
	a, err1 := name.ParseReference(annotation)
	w, err2 := name.ParseReference(want)
	return err1 == nil && err2 == nil && a.Name() == w.Name()
}

// IndexPlatforms lists the platforms of the images in idx (descending into
// nested indexes), in index order, repeats included; a manifest that
// names none has the platform of its config.
func IndexPlatforms(idx v1.ImageIndex) ([]v1.Platform, error) {
	var cands []candidate
	if err := collect(idx, 0, &cands); err != nil {
		return nil, err
	}
	out := make([]v1.Platform, len(cands))
	for i, c := range cands {
		out[i] = c.plat
	}
	return out, nil
}
