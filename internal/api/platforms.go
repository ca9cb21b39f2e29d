package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// PlatformResult is one platform's stored result of a multi-platform
// image (an image index), with its counts and its report.
type PlatformResult struct {
	Platform        string          `json:"platform"` // os/arch[/variant]
	Digest          string          `json:"digest"`   // the platform's manifest digest
	Registry        string          `json:"registry"`
	Repository      string          `json:"repository"`
	ScannedAt       time.Time       `json:"scanned_at"`
	Packages        int             `json:"packages"`
	Vulnerabilities int             `json:"vulnerabilities"`
	Severities      map[string]int  `json:"severities"`
	Report          json.RawMessage `json:"report"`
}

// IndexView is GET /api/v1/images/{digest}/platforms: the results of
// every platform of one image index shown together. The totals count
// distinct findings (vulnerability, package, version) across the
// platforms, so a finding every platform shares counts once.
type IndexView struct {
	IndexDigest     string           `json:"index_digest"`
	Tags            []string         `json:"tags"`
	Platforms       []PlatformResult `json:"platforms"`
	Vulnerabilities int              `json:"vulnerabilities"`
	Severities      map[string]int   `json:"severities"`
}

// ImagePlatforms returns the platforms of the image index digest (a
// unique prefix, or the digest of one of its platforms, names it too).
// A single-platform image is a 404 *Error.
func (c *Client) ImagePlatforms(ctx context.Context, digest string) (*IndexView, error) {
	var out IndexView
	if err := c.Do(ctx, http.MethodGet, "/api/v1/images/"+esc(digest)+"/platforms", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
