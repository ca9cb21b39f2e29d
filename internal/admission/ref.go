package admission

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// Ref is a container image reference, normalised the way a container
// runtime reads it: "nginx" is docker.io/library/nginx:latest.
type Ref struct {
	// Registry is the host[:port]; Docker Hub is always "docker.io".
	Registry   string `json:"registry"`
	Repository string `json:"repository"`
	// Tag is empty when the reference has only a digest.
	Tag    string `json:"tag,omitempty"`
	Digest string `json:"digest,omitempty"`
}

// dockerHubHosts are the names Docker Hub goes by.
var dockerHubHosts = map[string]bool{
	"docker.io": true, "index.docker.io": true, "registry-1.docker.io": true, "registry.hub.docker.com": true,
}

// CanonicalHost maps the several names of Docker Hub to "docker.io", so
// that its images compare equal however written. Other hosts keep their
// case: an upper-case first component is what marks it as a host in a
// reference, so lowering it would turn "Reg/app" into a Hub repository.
func CanonicalHost(h string) string {
	h = strings.TrimSuffix(h, "/")
	if dockerHubHosts[strings.ToLower(h)] {
		return "docker.io"
	}
	return h
}

// ParseRef parses an image reference as written in a Pod spec. A tag and
// a digest together keep both (the digest is what runs).
func ParseRef(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}, fmt.Errorf("empty image reference")
	}
	n, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return Ref{}, fmt.Errorf("image reference %q: %w", s, err)
	}
	r := Ref{Registry: CanonicalHost(reference.Domain(n)), Repository: reference.Path(n)}
	if t, ok := n.(reference.Tagged); ok {
		r.Tag = t.Tag()
	}
	if d, ok := n.(reference.Digested); ok {
		r.Digest = d.Digest().String()
	}
	if r.Tag == "" && r.Digest == "" {
		r.Tag = "latest"
	}
	return r, nil
}

// String is the normalised reference: host/repo:tag, host/repo@digest or
// host/repo:tag@digest.
func (r Ref) String() string {
	s := r.Registry + "/" + r.Repository
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}
