package web

import (
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/queue"
)

// RegistryHost is the host[:port] references to the registry's images
// use, spelled as go-containerregistry spells it (as crawl does), so a
// pushed image and a crawled one get the same task key.
func RegistryHost(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("registry url: %w", err)
	}
	var opts []name.Option
	if u.Scheme == "http" {
		opts = append(opts, name.Insecure)
	}
	reg, err := name.NewRegistry(u.Host, opts...)
	if err != nil {
		return "", fmt.Errorf("registry host: %w", err)
	}
	return reg.RegistryStr(), nil
}

// ScanTask builds the queue task for one image; the key is the same one
// Crawl uses, so a push and a crawl of the same image dedupe.
func ScanTask(registry, host, repo, tag, digest, dbDigest string, prio queue.Priority) (queue.Task, error) {
	img := crawl.Image{Registry: registry, Host: host, Repository: repo, Tag: tag, Digest: digest}
	p := TaskPayload{Registry: registry, Repository: repo, Tag: tag, Digest: digest, Reference: img.DigestReference(), DBDigest: dbDigest}
	b, err := json.Marshal(p)
	if err != nil {
		return queue.Task{}, err
	}
	return queue.Task{Key: registry + "/" + repo + "@" + digest + "|" + dbDigest, Payload: b, Priority: prio}, nil
}
