package source

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/configfile"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/scanfleet/scanfleet/internal/plainhttp"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

const defaultRetries = 3

// openRegistry opens an image from a registry. go-containerregistry does
// the protocol work (token dance, HTTP fallback for localhost and
// --insecure, index and manifest parsing); layers stream lazily from the
// registry when read, bounded by ctx.
func openRegistry(ctx context.Context, ref string, plat v1.Platform, opts Options) (*Image, error) {
	var nameOpts []name.Option
	if opts.Insecure {
		nameOpts = append(nameOpts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nameOpts...)
	if err != nil {
		return nil, core.KindErrorf(ErrInvalid, "bad reference: %w", err)
	}
	ropts, err := remoteOptions(ctx, opts)
	if err != nil {
		return nil, err
	}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, err
	}
	var img v1.Image
	switch {
	case desc.MediaType.IsIndex():
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		img, err = core.PickPlatform(idx, plat)
		if err != nil {
			return nil, err
		}
	case desc.MediaType.IsImage():
		img, err = desc.Image()
		if err != nil {
			return nil, err
		}
	default:
		return nil, core.KindErrorf(ErrInvalid, "%s is a %q, not an image or an index", r.Name(), desc.MediaType)
	}
	return &Image{Image: img, Reference: r.Name(), Close: func() error { return nil }}, nil
}

func remoteOptions(ctx context.Context, opts Options) ([]remote.Option, error) {
	base := opts.Transport
	if base == nil {
		t, err := httpTransport(opts)
		if err != nil {
			return nil, err
		}
		base = t
	}
	retries := opts.Retries
	if retries == 0 {
		retries = defaultRetries
	}
	if retries < 0 {
		retries = 0
	}
	var rt http.RoundTripper = plainhttp.Guard(base, opts.Insecure)
	stall := opts.StallTimeout
	if stall == 0 {
		stall = DefaultStallTimeout
	}
	if stall > 0 {
		rt = &stallTransport{base: rt, timeout: stall}
	}
	ro := []remote.Option{
		remote.WithContext(ctx),
		remote.WithTransport(&retryTransport{base: rt, retries: retries, backoff: 250 * time.Millisecond, maxWait: 30 * time.Second, rateLimited: opts.RateLimited}),
		// Retries are done by retryTransport (it honours Retry-After, which
		// go-containerregistry's retry transport does not); switch the
		// built-in one off so the two do not multiply.
		remote.WithRetryStatusCodes(),
		remote.WithRetryPredicate(func(error) bool { return false }),
		remote.WithUserAgent("scanfleet"),
	}
	switch {
	case opts.Username != "":
		ro = append(ro, remote.WithAuth(&authn.Basic{Username: opts.Username, Password: opts.Password}))
	case opts.RegistryToken != "":
		ro = append(ro, remote.WithAuth(authn.FromConfig(authn.AuthConfig{RegistryToken: opts.RegistryToken})))
	case opts.DockerConfig != "":
		kc, err := configFileKeychain(opts.DockerConfig)
		if err != nil {
			return nil, err
		}
		ro = append(ro, remote.WithAuthFromKeychain(kc))
	default:
		ro = append(ro, remote.WithAuthFromKeychain(authn.DefaultKeychain))
	}
	return ro, nil
}

// httpTransport is http.DefaultTransport with bounded connection set-up
// and the TLS settings of opts.
func httpTransport(opts Options) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 15 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	if opts.CACertFile == "" && !opts.Insecure {
		return t, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.CACertFile != "" {
		pem, err := os.ReadFile(opts.CACertFile)
		if err != nil {
			return nil, core.KindErrorf(ErrInvalid, "reading CA bundle: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, core.KindErrorf(ErrInvalid, "CA bundle %s holds no PEM certificate", opts.CACertFile)
		}
		tc.RootCAs = pool
	}
	if opts.Insecure {
		tc.InsecureSkipVerify = true // #nosec G402 -- the user asked for --insecure
	}
	t.TLSClientConfig = tc
	return t, nil
}

// configFileKeychain resolves credentials from one docker config.json
// file, the way go-containerregistry's default keychain does for the
// standard locations.
func configFileKeychain(path string) (authn.Keychain, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, core.KindErrorf(ErrInvalid, "docker config: %w", err)
	}
	defer f.Close()
	cf, err := config.LoadFromReader(f)
	if err != nil {
		return nil, core.KindErrorf(ErrInvalid, "docker config %s: %w", path, err)
	}
	return fileKeychain{cf}, nil
}

type fileKeychain struct{ cf *configfile.ConfigFile }

func (k fileKeychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	for _, key := range []string{target.String(), target.RegistryStr()} {
		if key == name.DefaultRegistry {
			key = authn.DefaultAuthKey
		}
		cfg, err := k.cf.GetAuthConfig(key)
		if err != nil {
			return nil, fmt.Errorf("docker config credentials for %s: %w", key, err)
		}
		if cfg.Username == "" && cfg.Password == "" && cfg.Auth == "" && cfg.IdentityToken == "" && cfg.RegistryToken == "" {
			continue
		}
		return authn.FromConfig(authn.AuthConfig{
			Username:      cfg.Username,
			Password:      cfg.Password,
			Auth:          cfg.Auth,
			IdentityToken: cfg.IdentityToken,
			RegistryToken: cfg.RegistryToken,
		}), nil
	}
	return authn.Anonymous, nil
}
