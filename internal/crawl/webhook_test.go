package crawl

import (
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/crawl/provider"
)

// The fixtures in testdata/webhooks are the providers' documented sample
// payloads:
//   - harbor.json: https://goharbor.io/docs/main/working-with-projects/project-configuration/configure-webhooks/ (PUSH_ARTIFACT, Harbor 2.8)
//   - quay.json: https://docs.quay.io/guides/notifications.html ("Repository Push")
//   - dockerhub.json: https://docs.docker.com/docker-hub/repos/manage/webhooks/ (example webhook payload)
//   - acr.json: https://learn.microsoft.com/azure/container-registry/container-registry-webhook-reference (push event)
//   - ecr.json: https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html (event for a completed image push;
//     the sample's digest is 60 hex digits, padded here to a valid 64)
func webhookFixture(t testing.TB, kind string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "webhooks", kind+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseWebhookFixtures(t *testing.T) {
	for _, tc := range []struct {
		kind string
		want []PushEvent
	}{
		{provider.Harbor, []PushEvent{{Timestamp: time.Unix(1680501893, 0).UTC(), Host: "localhost", Repository: "harbor/alpine", Tag: "3.18",
			Digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4", URL: "localhost/harbor/alpine:3.18"}}},
		{provider.Quay, []PushEvent{{Host: "quay.io", Repository: "mynamespace/repository", Tag: "latest"}, {Host: "quay.io", Repository: "mynamespace/repository", Tag: "v2"}}},
		{provider.DockerHub, []PushEvent{{Timestamp: time.Unix(1417566161, 0).UTC(), Host: "index.docker.io", Repository: "svendowideit/testhook", Tag: "latest"}}},
		{provider.ACR, []PushEvent{{ID: "cb8c3971-9adc-488b-xxxx-43cbb4974ff5", Timestamp: time.Date(2017, 11, 17, 16, 52, 1, 343145347, time.UTC), Host: "myregistry.azurecr.io",
			Repository: "hello-world", Tag: "v1", Digest: "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d", MediaType: "application/vnd.docker.distribution.manifest.v2+json"}}},
		{provider.ECR, []PushEvent{{ID: "13cde686-328b-6117-af20-0e5566167482", Timestamp: time.Date(2019, 11, 16, 1, 54, 34, 0, time.UTC), Host: "123456789012.dkr.ecr.us-west-2.amazonaws.com",
			Repository: "my-repository-name", Tag: "latest", Digest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12340000"}}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			got, err := ParseWebhook(tc.kind, webhookFixture(t, tc.kind))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d events %+v, want %+v", len(got), got, tc.want)
			}
			for i := range got {
				if !got[i].Timestamp.Equal(tc.want[i].Timestamp) {
					t.Errorf("event %d time %v, want %v", i, got[i].Timestamp, tc.want[i].Timestamp)
				}
				got[i].Timestamp, tc.want[i].Timestamp = time.Time{}, time.Time{}
				if got[i] != tc.want[i] {
					t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
	// generic and gitlab are distribution's envelope.
	for _, kind := range []string{"", provider.Generic, provider.GitLab} {
		b, err := os.ReadFile("testdata/notifications/manifest-push-tag.json")
		if err != nil {
			t.Fatal(err)
		}
		if evs, err := ParseWebhook(kind, b); err != nil || len(evs) != 1 {
			t.Errorf("kind %q: %v %v", kind, evs, err)
		}
	}
}

// TestParseWebhookNonPushesAndErrors: other events are dropped without
// error, a body of the wrong format or with invalid names is an error
// naming the kind.
func TestParseWebhookNonPushesAndErrors(t *testing.T) {
	for _, tc := range []struct {
		name, kind, body string
		wantErr          string // "" means no error and no events
	}{
		{"harbor delete", provider.Harbor, `{"type":"DELETE_ARTIFACT","occur_at":1,"event_data":{"resources":[{"digest":"sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4","tag":"v1"}],"repository":{"repo_full_name":"a/b"}}}`, ""},
		{"harbor scan", provider.Harbor, `{"type":"SCANNING_COMPLETED","event_data":{}}`, ""},
		{"harbor digest only", provider.Harbor, `{"type":"PUSH_ARTIFACT","event_data":{"resources":[{"digest":"sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4"}],"repository":{"repo_full_name":"a/b"}}}`, ""},
		{"acr delete", provider.ACR, `{"action":"delete","target":{"repository":"a","tag":"v1"}}`, ""},
		{"acr chart push", provider.ACR, `{"action":"chart_push","target":{"repository":"a","tag":"v1"}}`, ""},
		{"ecr failed push", provider.ECR, `{"detail-type":"ECR Image Action","source":"aws.ecr","detail":{"result":"FAILURE","action-type":"PUSH","repository-name":"a","image-tag":"v1"}}`, ""},
		{"ecr delete", provider.ECR, `{"detail-type":"ECR Image Action","source":"aws.ecr","detail":{"result":"SUCCESS","action-type":"DELETE","repository-name":"a","image-tag":"v1"}}`, ""},
		{"ecr scan", provider.ECR, `{"detail-type":"ECR Image Scan","source":"aws.ecr","detail":{}}`, ""},
		{"quay no tags", provider.Quay, `{"repository":"a/b","updated_tags":[]}`, ""},
		{"harbor not harbor", provider.Harbor, `{"events":[]}`, `harbor webhook: no "type"`},
		{"ecr other source", provider.ECR, `{"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2"}`, "aws.ecr"},
		{"ecr bad account", provider.ECR, `{"detail-type":"ECR Image Action","source":"aws.ecr","account":"evil.example/x","region":"us-east-1","detail":{"result":"SUCCESS","action-type":"PUSH","repository-name":"a","image-tag":"v1"}}`, "registry host"},
		{"dockerhub not dockerhub", provider.DockerHub, `{"repository":{"repo_name":"a/b"}}`, "push_data"},
		{"quay bad repo", provider.Quay, `{"repository":"../../etc","updated_tags":["v1"]}`, "invalid repository"},
		{"dockerhub bad tag", provider.DockerHub, `{"push_data":{"tag":"v 1"},"repository":{"repo_name":"a/b"}}`, "invalid tag"},
		{"acr bad digest", provider.ACR, `{"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","repository":"a","tag":"v1","digest":"sha256:xyz"}}`, "digest"},
		{"trailing data", provider.Quay, `{"repository":"a/b"} {}`, "trailing"},
		{"not json", provider.ACR, `<xml/>`, "acr webhook: decoding"},
		{"unknown kind", provider.Nexus, `{}`, `kind "nexus"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := ParseWebhook(tc.kind, []byte(tc.body))
			if tc.wantErr == "" {
				if err != nil || len(evs) != 0 {
					t.Errorf("got %+v, %v; want no events, no error", evs, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v; want %q", err, tc.wantErr)
			}
		})
	}
}

func TestVerifyWebhook(t *testing.T) {
	const secret = "s3cret-hook"
	for _, tc := range []struct {
		name, kind, url, auth string
		secret                string
		ok                    bool
	}{
		{"harbor auth header", provider.Harbor, "/hook", secret, secret, true},
		{"acr bearer", provider.ACR, "/hook", "Bearer " + secret, secret, true},
		{"ecr api key", provider.ECR, "/hook", secret, secret, true},
		{"gitlab header", provider.GitLab, "/hook", secret, secret, true},
		{"generic wrong", "", "/hook", "nope", secret, false},
		{"harbor missing", provider.Harbor, "/hook", "", secret, false},
		{"harbor secret in query is not enough", provider.Harbor, "/hook?token=" + secret, "", secret, false},
		{"dockerhub token", provider.DockerHub, "/hook?token=" + secret, "", secret, true},
		{"quay token", provider.Quay, "/hook?token=" + secret, "", secret, true},
		{"quay wrong token", provider.Quay, "/hook?token=x", "", secret, false},
		{"dockerhub header is not read", provider.DockerHub, "/hook", secret, secret, false},
		{"no secret configured", provider.Harbor, "/hook", "", "", false},
		{"prefix of secret", provider.Harbor, "/hook", secret[:5], secret, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", tc.url, nil)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			err := VerifyWebhook(tc.kind, r, tc.secret)
			if tc.ok != (err == nil) {
				t.Fatalf("err %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok && !errors.Is(err, ErrWebhookSecret) {
				t.Errorf("err %v; want ErrWebhookSecret", err)
			}
		})
	}
}
