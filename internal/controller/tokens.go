package controller

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Tokens (issue #20): named, expiring, revocable. A token is checked
// against the store on every request, with no cache in between, so a
// revocation or an expiry made on one replica refuses the token on every
// replica from the next request on (the bound is one store read).

// tokenKey carries the authenticated request's token in its context.
type tokenKey struct{}

// caller returns the token that authenticated r (set by auth).
func caller(r *http.Request) (store.Token, bool) {
	t, ok := r.Context().Value(tokenKey{}).(store.Token)
	return t, ok
}

// authenticate finds the bearer token's record and says why it is
// refused: unknown, revoked or expired (a named reason, so a user knows
// whether to ask for a new token or for the old one back). A use is
// recorded at most once per store.TokenTouchInterval.
func (c *Controller) authenticate(ctx context.Context, secret string, now time.Time) (store.Token, string, error) {
	t, found, err := c.store.TokenByHash(ctx, hashToken(secret))
	switch {
	case err != nil:
		return store.Token{}, "", err
	case !found:
		return store.Token{}, "invalid token", nil
	case t.Revoked:
		return store.Token{}, "token revoked", nil
	case t.Expired(now):
		return store.Token{}, "token expired", nil
	}
	if t.LastUsed == nil || now.Sub(*t.LastUsed) >= store.TokenTouchInterval {
		if _, err := c.store.TouchToken(ctx, t.ID, now); err != nil {
			// Last use is informative; the request goes on.
			c.log.Warn("recording token use", "token", t.Name, "err", err)
		}
	}
	return t, "", nil
}

// whoami answers the caller's token's name, role and expiry, and whether
// this controller serves admission reviews, so the console offers only
// what means something.
func (c *Controller) whoami(w http.ResponseWriter, r *http.Request) error {
	t, ok := caller(r)
	if !ok {
		return web.Errorf(http.StatusUnauthorized, "invalid token")
	}
	web.WriteJSON(w, http.StatusOK, api.WhoAmI{Name: t.Name, Role: apiconv.Role(t.Role), ExpiresAt: t.ExpiresAt, AdmissionWebhook: c.cfg.Reviews != nil})
	return nil
}

// actor names the caller of an authenticated request for authorship and
// the audit log: its token's name.
func (c *Controller) actor(r *http.Request) (string, error) {
	t, ok := caller(r)
	if !ok {
		return "", web.Errorf(http.StatusUnauthorized, "invalid token")
	}
	return t.Name, nil
}

// mayList reports whether the caller may see token t in the listing: an
// admin every token, another role its own.
func mayList(me, t store.Token) bool {
	return me.Role == store.RoleAdmin || t.ID == me.ID
}

// createToken makes a token no more powerful than the caller's. Only an
// admin may (writes are never open to readers, and a scanner or a
// build pipeline's submitter token has no business minting tokens), so
// no token can create one of a higher role; what remains to bound is
// time: a token that expires cannot create one that outlives it, or a
// leaked short-lived admin token could make itself a permanent one.
func (c *Controller) createToken(w http.ResponseWriter, r *http.Request) error {
	me, ok := caller(r)
	if !ok {
		return web.Errorf(http.StatusUnauthorized, "invalid token")
	}
	var in api.TokenRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if in.Role == "" {
		return web.Errorf(http.StatusBadRequest, "token %q: role is required (admin, scanner, submitter, reader)", in.Name)
	}
	if !in.Role.Valid() {
		return web.Errorf(http.StatusBadRequest, "token %q: unknown role %q (admin, scanner, submitter, reader)", in.Name, in.Role)
	}
	if err := store.ValidTokenName(in.Name); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	now := time.Now()
	expires := in.ExpiresAt
	if in.ExpiresIn != "" {
		if expires != nil {
			return web.Errorf(http.StatusBadRequest, "token %q: give expires_at or expires_in, not both", in.Name)
		}
		d, err := api.ParseExpiresIn(in.ExpiresIn)
		if err != nil {
			return web.Errorf(http.StatusBadRequest, "token %q: %v", in.Name, err)
		}
		at := now.Add(d)
		expires = &at
	}
	if expires != nil && !expires.After(now) {
		return web.Errorf(http.StatusBadRequest, "token %q: expiry %s is in the past", in.Name, expires.UTC().Format(time.RFC3339))
	}
	if me.ExpiresAt != nil && (expires == nil || expires.After(*me.ExpiresAt)) {
		return web.Errorf(http.StatusForbidden, "token %q expires %s: a token it creates must expire by then", me.Name, me.ExpiresAt.Format(time.RFC3339))
	}
	secret := "sf_" + randomHex(32)
	t, err := c.store.CreateToken(r.Context(), hashToken(secret), store.Token{Name: in.Name, Role: apiconv.StoreRole(in.Role), CreatedAt: now, CreatedBy: me.Name, ExpiresAt: expires})
	if errors.Is(err, store.ErrTokenNameTaken) {
		return web.Errorf(http.StatusConflict, "token %q: name already taken (names of revoked tokens stay taken)", in.Name)
	}
	if errors.Is(err, store.ErrInvalid) {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	if err != nil {
		return err
	}
	c.log.Info("token created", "token", t.Name, "role", t.Role, "by", me.Name)
	web.WriteJSON(w, http.StatusCreated, api.CreatedToken{Token: apiconv.Token(t), Secret: secret})
	return nil
}

// listTokens lists the tokens the caller may see, never a secret or hash.
func (c *Controller) listTokens(w http.ResponseWriter, r *http.Request) error {
	me, ok := caller(r)
	if !ok {
		return web.Errorf(http.StatusUnauthorized, "invalid token")
	}
	all, err := c.store.ListTokens(r.Context())
	if err != nil {
		return err
	}
	out := []api.Token{}
	for _, t := range all {
		if mayList(me, t) {
			out = append(out, apiconv.Token(t))
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// revokeToken revokes a token by name, for good: the name stays taken.
func (c *Controller) revokeToken(w http.ResponseWriter, r *http.Request) error {
	me, ok := caller(r)
	if !ok {
		return web.Errorf(http.StatusUnauthorized, "invalid token")
	}
	name := r.PathValue("name")
	t, found, err := c.store.GetToken(r.Context(), name)
	if err != nil {
		return err
	}
	if !found {
		return web.Errorf(http.StatusNotFound, "token %q not found", name)
	}
	t, _, err = c.store.RevokeToken(r.Context(), t.Name, me.Name, time.Now())
	if err != nil {
		return err
	}
	c.log.Info("token revoked", "token", t.Name, "by", me.Name)
	web.WriteJSON(w, http.StatusOK, apiconv.Token(t))
	return nil
}

// TokenSpec is a token made with direct access to the store.
type TokenSpec struct {
	// Name is unique; empty: ROLE-<8 random hex digits>.
	Name string
	Role Role
	// ExpiresIn, when positive, is the token's lifetime.
	ExpiresIn time.Duration
}

// CreateNamedToken creates an API token in cfg's store (StoreDSN, else
// DataDir's state.db) as spec says, with creator "bootstrap", and
// returns its secret (only the hash is kept) and its record. A token
// created in a shared store works on every controller using it.
func CreateNamedToken(ctx context.Context, cfg Config, spec TokenSpec) (string, store.Token, error) {
	if !spec.Role.Valid() {
		return "", store.Token{}, fmt.Errorf("unknown role %q (admin, scanner, submitter, reader)", spec.Role)
	}
	if spec.Name == "" {
		spec.Name = string(spec.Role) + "-" + randomHex(4)
	}
	if err := store.ValidTokenName(spec.Name); err != nil {
		return "", store.Token{}, err
	}
	if cfg.StoreDSN == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return "", store.Token{}, fmt.Errorf("data directory: %w", err)
		}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return "", store.Token{}, err
	}
	defer st.Close()
	now := time.Now()
	t := store.Token{Name: spec.Name, Role: apiconv.StoreRole(spec.Role), CreatedAt: now, CreatedBy: store.BootstrapCreator}
	if spec.ExpiresIn > 0 {
		at := now.Add(spec.ExpiresIn)
		t.ExpiresAt = &at
	}
	secret := "sf_" + randomHex(32)
	t, err = st.CreateToken(ctx, hashToken(secret), t)
	if err != nil {
		return "", store.Token{}, err
	}
	return secret, t, nil
}
