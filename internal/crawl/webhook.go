package crawl

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/crawl/provider"
)

// ErrWebhookSecret: a push webhook call did not carry the registry's
// secret. The controller answers it with 401 and logs nothing of the body.
var ErrWebhookSecret = errors.New("webhook secret missing or wrong")

// maxWebhookBody bounds what ParseWebhook reads; registries send one
// push, or a short batch, per call.
const maxWebhookBody = 1 << 20

// VerifyWebhook checks that a push webhook request carries secret, where
// the sender of kind can put one:
//
//   - generic, gitlab, harbor, acr, ecr: the Authorization header, as is
//     or as "Bearer SECRET" (distribution's and GitLab's notification
//     endpoints' "headers", Harbor's "Auth Header", ACR's custom
//     headers, an EventBridge API destination's API key connection
//     named Authorization);
//   - dockerhub, quay: the "token" query parameter of the webhook URL,
//     since neither can send a header or sign the body.
//
// An empty secret is refused: every registry taking webhooks has one.
// The comparison takes constant time.
func VerifyWebhook(kind string, r *http.Request, secret string) error {
	if secret == "" {
		return fmt.Errorf("%w: no webhook secret is configured for this registry", ErrWebhookSecret)
	}
	var got string
	switch kind {
	case provider.DockerHub, provider.Quay:
		got = r.URL.Query().Get("token")
	case "", provider.Generic, provider.GitLab, provider.Harbor, provider.ACR, provider.ECR:
		got = r.Header.Get("Authorization")
		if b, ok := strings.CutPrefix(got, "Bearer "); ok {
			got = b
		}
	default:
		return fmt.Errorf("webhook: kind %q sends no push webhooks Scanfleet understands", kind)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
		return ErrWebhookSecret
	}
	return nil
}

// ParseWebhook decodes a push webhook body in the format of kind and
// returns the tagged pushes it announces. Events that are not pushes
// (pulls, deletes, scans, replications) are dropped. As with
// ParseNotification, an invalid repository, tag or digest in a push is
// an error: real senders never send one.
//
// Docker Hub's and Quay's payloads carry tags but no digest: their
// PushEvents have an empty Digest, and the receiver resolves the tag.
func ParseWebhook(kind string, body []byte) ([]PushEvent, error) {
	if len(body) > maxWebhookBody {
		return nil, fmt.Errorf("webhook: body larger than %d bytes", maxWebhookBody)
	}
	var (
		evs []PushEvent
		err error
	)
	switch kind {
	case "", provider.Generic, provider.GitLab:
		// GitLab's registry is distribution, notifying in its format
		// (https://docs.gitlab.com/administration/packages/container_registry/#configure-container-registry-notifications).
		return ParseNotification(body)
	case provider.Harbor:
		evs, err = parseHarbor(body)
	case provider.Quay:
		evs, err = parseQuay(body)
	case provider.DockerHub:
		evs, err = parseDockerHub(body)
	case provider.ACR:
		evs, err = parseACR(body)
	case provider.ECR:
		evs, err = parseECR(body)
	default:
		return nil, fmt.Errorf("webhook: kind %q sends no push webhooks Scanfleet understands", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("%s webhook: %w", kind, err)
	}
	for i, e := range evs {
		if !validRepository(e.Repository) {
			return nil, fmt.Errorf("%s webhook: push %d: invalid repository %q", kind, i, e.Repository)
		}
		if !validTag(e.Tag) {
			return nil, fmt.Errorf("%s webhook: push %d: invalid tag %q", kind, i, e.Tag)
		}
		if e.Digest != "" {
			if _, err := v1.NewHash(e.Digest); err != nil {
				return nil, fmt.Errorf("%s webhook: push %d: digest: %w", kind, i, err)
			}
		}
	}
	return evs, nil
}

// decodeStrict decodes exactly one JSON value.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decoding: %w", err)
	}
	if dec.More() {
		return errors.New("trailing data after the payload")
	}
	return nil
}

// parseHarbor reads Harbor's PUSH_ARTIFACT event
// (https://goharbor.io/docs/main/working-with-projects/project-configuration/configure-webhooks/):
// one repository, one resource per pushed tag, each with its digest.
func parseHarbor(body []byte) ([]PushEvent, error) {
	var p struct {
		Type      *string `json:"type"`
		OccurAt   int64   `json:"occur_at"`
		EventData struct {
			Resources []struct {
				Digest      string `json:"digest"`
				Tag         string `json:"tag"`
				ResourceURL string `json:"resource_url"`
			} `json:"resources"`
			Repository struct {
				RepoFullName string `json:"repo_full_name"`
			} `json:"repository"`
		} `json:"event_data"`
	}
	if err := decodeStrict(body, &p); err != nil {
		return nil, err
	}
	if p.Type == nil {
		return nil, errors.New(`no "type": not a Harbor event`)
	}
	if *p.Type != "PUSH_ARTIFACT" {
		return nil, nil
	}
	var out []PushEvent
	for _, r := range p.EventData.Resources {
		if _, err := v1.NewHash(r.Tag); r.Tag == "" || err == nil {
			// Pushed by digest only: Harbor leaves the tag empty or,
			// in some versions, puts the digest there.
			continue
		}
		host, _, _ := strings.Cut(r.ResourceURL, "/")
		out = append(out, PushEvent{
			Timestamp: time.Unix(p.OccurAt, 0).UTC(), Host: host,
			Repository: p.EventData.Repository.RepoFullName, Tag: r.Tag, Digest: r.Digest, URL: r.ResourceURL,
		})
	}
	return out, nil
}

// parseQuay reads Quay's "Repository Push" notification
// (https://docs.quay.io/guides/notifications.html): the repository and
// its updated tags, no digests.
func parseQuay(body []byte) ([]PushEvent, error) {
	var p struct {
		Repository  *string  `json:"repository"`
		DockerURL   string   `json:"docker_url"`
		UpdatedTags []string `json:"updated_tags"`
	}
	if err := decodeStrict(body, &p); err != nil {
		return nil, err
	}
	if p.Repository == nil {
		return nil, errors.New(`no "repository": not a Quay notification`)
	}
	host, _, _ := strings.Cut(p.DockerURL, "/")
	var out []PushEvent
	for _, tag := range p.UpdatedTags {
		out = append(out, PushEvent{Host: host, Repository: *p.Repository, Tag: tag})
	}
	return out, nil
}

// parseDockerHub reads Docker Hub's webhook
// (https://docs.docker.com/docker-hub/repos/manage/webhooks/): one tag
// pushed to one repository, no digest.
func parseDockerHub(body []byte) ([]PushEvent, error) {
	var p struct {
		PushData *struct {
			PushedAt float64 `json:"pushed_at"`
			Tag      string  `json:"tag"`
		} `json:"push_data"`
		Repository struct {
			RepoName string `json:"repo_name"`
		} `json:"repository"`
	}
	if err := decodeStrict(body, &p); err != nil {
		return nil, err
	}
	if p.PushData == nil {
		return nil, errors.New(`no "push_data": not a Docker Hub webhook`)
	}
	repo := p.Repository.RepoName
	if repo != "" && !strings.Contains(repo, "/") {
		repo = "library/" + repo
	}
	return []PushEvent{{
		Timestamp: time.Unix(int64(p.PushData.PushedAt), 0).UTC(), Host: "index.docker.io",
		Repository: repo, Tag: p.PushData.Tag,
	}}, nil
}

// parseACR reads an Azure Container Registry webhook
// (https://learn.microsoft.com/azure/container-registry/container-registry-webhook-reference):
// one event per call, shaped like one of distribution's events. Chart
// pushes and deletes are dropped.
func parseACR(body []byte) ([]PushEvent, error) {
	var e struct {
		ID        string    `json:"id"`
		Timestamp time.Time `json:"timestamp"`
		Action    *string   `json:"action"`
		Target    struct {
			MediaType  string `json:"mediaType"`
			Digest     string `json:"digest"`
			Repository string `json:"repository"`
			Tag        string `json:"tag"`
		} `json:"target"`
		Request struct {
			Host string `json:"host"`
		} `json:"request"`
	}
	if err := decodeStrict(body, &e); err != nil {
		return nil, err
	}
	if e.Action == nil {
		return nil, errors.New(`no "action": not an ACR webhook event`)
	}
	if *e.Action != "push" || e.Target.Tag == "" {
		return nil, nil
	}
	if e.Target.MediaType != "" && !isManifestType(e.Target.MediaType) {
		return nil, nil
	}
	return []PushEvent{{
		ID: e.ID, Timestamp: e.Timestamp, Host: e.Request.Host,
		Repository: e.Target.Repository, Tag: e.Target.Tag, Digest: e.Target.Digest, MediaType: e.Target.MediaType,
	}}, nil
}

// parseECR reads an Amazon EventBridge "ECR Image Action" event delivered
// by an API destination
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html):
// a successful PUSH with a tag is a push; the registry host is built
// from the event's account and region.
func parseECR(body []byte) ([]PushEvent, error) {
	var e struct {
		ID         string    `json:"id"`
		DetailType *string   `json:"detail-type"`
		Source     string    `json:"source"`
		Account    string    `json:"account"`
		Time       time.Time `json:"time"`
		Region     string    `json:"region"`
		Detail     struct {
			Result         string `json:"result"`
			RepositoryName string `json:"repository-name"`
			ImageDigest    string `json:"image-digest"`
			ActionType     string `json:"action-type"`
			ImageTag       string `json:"image-tag"`
		} `json:"detail"`
	}
	if err := decodeStrict(body, &e); err != nil {
		return nil, err
	}
	if e.DetailType == nil || e.Source != "aws.ecr" {
		return nil, errors.New(`not an EventBridge event from "aws.ecr"`)
	}
	d := e.Detail
	if *e.DetailType != "ECR Image Action" || d.ActionType != "PUSH" || d.Result != "SUCCESS" || d.ImageTag == "" {
		return nil, nil
	}
	host := ""
	if e.Account != "" && e.Region != "" {
		host = e.Account + ".dkr.ecr." + e.Region + ".amazonaws.com"
		if _, err := url.Parse("https://" + host); err != nil || !ecrHostPattern(host) {
			return nil, fmt.Errorf("account %q and region %q do not make a registry host", e.Account, e.Region)
		}
	}
	return []PushEvent{{
		ID: e.ID, Timestamp: e.Time, Host: host,
		Repository: d.RepositoryName, Tag: d.ImageTag, Digest: d.ImageDigest,
	}}, nil
}

// ecrHostPattern accepts ACCOUNT.dkr.ecr.REGION.amazonaws.com with a
// 12-digit account and a region of lower-case letters, digits and dashes.
func ecrHostPattern(h string) bool {
	acct, rest, ok := strings.Cut(h, ".dkr.ecr.")
	region, ok2 := strings.CutSuffix(rest, ".amazonaws.com")
	if !ok || !ok2 || len(acct) != 12 || region == "" {
		return false
	}
	for _, c := range acct {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, c := range region {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
