package crawl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// PushEvent is a tagged manifest push announced by a registry's
// notification webhook: the trigger for scan-on-push.
type PushEvent struct {
	ID        string
	Timestamp time.Time
	// Host is the registry host the pushing client addressed
	// (request.host), e.g. "registry.example:5000".
	Host       string
	Repository string
	Tag        string
	Digest     string
	MediaType  string
	// URL is the manifest URL the registry reports (target.url); it may be
	// empty or name an internal address.
	URL string
}

// notificationEnvelope is distribution's notification format
// (application/vnd.docker.distribution.events.v1+json), see
// https://distribution.github.io/distribution/about/notifications/.
// Only the fields scan-on-push needs are decoded.
type notificationEnvelope struct {
	Events *[]struct {
		ID        string    `json:"id"`
		Timestamp time.Time `json:"timestamp"`
		Action    string    `json:"action"`
		Target    struct {
			MediaType  string `json:"mediaType"`
			Digest     string `json:"digest"`
			Repository string `json:"repository"`
			Tag        string `json:"tag"`
			URL        string `json:"url"`
		} `json:"target"`
		Request struct {
			Host string `json:"host"`
		} `json:"request"`
	} `json:"events"`
}

// ParseNotification decodes the body of a distribution notification
// webhook call and returns its tagged manifest pushes, in order.
//
// Pulls, deletes, mounts, blob pushes and manifest pushes without a tag
// (the per-platform children of an index, pushed by digest before the
// tagged index) are dropped: each tagged push is one thing to scan. A body
// that is not a notification envelope is an error, and so is a manifest
// push with an invalid repository, tag or digest: a real registry never
// sends one, so it means a misbehaving sender and should be loud.
func ParseNotification(body []byte) ([]PushEvent, error) {
	var env notificationEnvelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("notification: decoding envelope: %w", err)
	}
	if dec.More() {
		return nil, errors.New("notification: trailing data after the envelope")
	}
	if env.Events == nil {
		return nil, errors.New(`notification: no "events" array`)
	}
	var out []PushEvent
	for i, e := range *env.Events {
		if e.Action != "push" || e.Target.Tag == "" || !isManifestType(e.Target.MediaType) {
			continue
		}
		t := e.Target
		if !validRepository(t.Repository) {
			return nil, fmt.Errorf("notification: event %d: invalid repository %q", i, t.Repository)
		}
		if !validTag(t.Tag) {
			return nil, fmt.Errorf("notification: event %d: invalid tag %q", i, t.Tag)
		}
		if _, err := v1.NewHash(t.Digest); err != nil {
			return nil, fmt.Errorf("notification: event %d: digest: %w", i, err)
		}
		out = append(out, PushEvent{
			ID:         e.ID,
			Timestamp:  e.Timestamp,
			Host:       e.Request.Host,
			Repository: t.Repository,
			Tag:        t.Tag,
			Digest:     t.Digest,
			MediaType:  t.MediaType,
			URL:        t.URL,
		})
	}
	return out, nil
}

// isManifestType reports whether mt is an image manifest or index type
// (Docker schema 1 and 2, OCI). Blob pushes carry
// application/octet-stream or a layer type and are not.
func isManifestType(mt string) bool {
	m := types.MediaType(mt)
	return m.IsImage() || m.IsIndex() || m.IsSchema1()
}
