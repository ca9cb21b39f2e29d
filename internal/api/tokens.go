package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// TokenRequest is POST /api/v1/tokens (admin only). The new token may
// not expire after the caller's own.
type TokenRequest struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// ExpiresAt, or ExpiresIn from now ("30d", "12h", "90m"); neither:
	// no expiry (refused when the caller's own token expires).
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	ExpiresIn string     `json:"expires_in,omitempty"`
}

// CreatedToken is the answer to POST /api/v1/tokens: the token and its
// secret, which is shown this once and never stored.
type CreatedToken struct {
	Token
	Secret string `json:"secret"`
}

// ParseExpiresIn reads a token lifetime: a whole number of days ("30d")
// or a Go duration ("12h", "90m"); it must be positive.
func ParseExpiresIn(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days > 100*366 {
			return 0, fmt.Errorf("expires in %q: want a number of days like 30d, or a duration like 12h", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		v, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("expires in %q: want a number of days like 30d, or a duration like 12h", s)
		}
		d = v
	}
	if d <= 0 {
		return 0, fmt.Errorf("expires in %q: must be positive", s)
	}
	return d, nil
}

// CreateToken creates a token and returns it with its secret.
func (c *Client) CreateToken(ctx context.Context, in TokenRequest) (CreatedToken, error) {
	var out CreatedToken
	err := c.Do(ctx, http.MethodPost, "/api/v1/tokens", in, &out)
	return out, err
}

// Tokens lists the tokens the caller may see: every token for an admin,
// else the caller's own.
func (c *Client) Tokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := c.Do(ctx, http.MethodGet, "/api/v1/tokens", nil, &out)
	return out, err
}

// RevokeToken revokes the token named name and returns it.
func (c *Client) RevokeToken(ctx context.Context, name string) (Token, error) {
	var out Token
	err := c.Do(ctx, http.MethodPost, "/api/v1/tokens/"+esc(name)+"/revoke", nil, &out)
	return out, err
}
