package source

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

// Platforms lists the platforms ("os/arch[/variant]") of the image index
// a registry reference names, in index order, without repeats and
// without attestation manifests ("unknown/unknown"), for scanning each.
// A single-platform image gives nil: it is scanned as it is. index is the
// index's digest ("" for a single-platform image): scanning its platforms
// by it rather than by a tag keeps them all from the index listed, even
// if the tag moves meanwhile. Errors are Open's.
func Platforms(ctx context.Context, ref string, opts Options) (index string, platforms []string, err error) {
	index, platforms, err = listPlatforms(ctx, strings.TrimPrefix(ref, "registry:"), opts)
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return "", nil, newError(ref, se.Kind, se.Err, opts)
		}
		return "", nil, newError(ref, core.Classify(err), err, opts)
	}
	return index, platforms, nil
}

func listPlatforms(ctx context.Context, ref string, opts Options) (string, []string, error) {
	var nameOpts []name.Option
	if opts.Insecure {
		nameOpts = append(nameOpts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nameOpts...)
	if err != nil {
		return "", nil, core.KindErrorf(ErrInvalid, "bad reference: %w", err)
	}
	ropts, err := remoteOptions(ctx, opts)
	if err != nil {
		return "", nil, err
	}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return "", nil, err
	}
	if !desc.MediaType.IsIndex() {
		return "", nil, nil
	}
	idx, err := desc.ImageIndex()
	if err != nil {
		return "", nil, err
	}
	plats, err := core.IndexPlatforms(idx)
	if err != nil {
		return "", nil, err
	}
	var out []string
	for _, p := range plats {
		if p.OS == "" || p.OS == "unknown" {
			continue
		}
		if s := core.PlatformString(p); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return desc.Digest.String(), out, nil
}
