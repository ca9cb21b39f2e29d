package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// NeuVector's standalone scanner is driven entirely by environment
// variables; we accept them unchanged so its users' pipelines keep working.
// See ../shared/seed ("Standalone Scanner for Local Scanning").
const onDemandResultsDir = "/var/neuvector"

func onDemand(getenv func(string) string) bool {
	return strings.EqualFold(strings.TrimSpace(getenv("SCANNER_ON_DEMAND")), "true")
}

// onDemandRef builds the image reference from SCANNER_REGISTRY,
// SCANNER_REPOSITORY and SCANNER_TAG: with a registry, a registry reference;
// without one, an image of the local engine.
func onDemandRef(getenv func(string) string) (ref string, insecure bool, err error) {
	repo := strings.TrimSpace(getenv("SCANNER_REPOSITORY"))
	if repo == "" {
		return "", false, usagef("SCANNER_ON_DEMAND=true needs SCANNER_REPOSITORY")
	}
	tag := strings.TrimSpace(getenv("SCANNER_TAG"))
	if tag == "" {
		tag = "latest"
	}
	sep := ":"
	if strings.HasPrefix(tag, "sha256:") {
		sep = "@"
	}
	reg := strings.TrimSpace(getenv("SCANNER_REGISTRY"))
	if reg == "" {
		return "docker:" + repo + sep + tag, false, nil
	}
	host := reg
	if strings.Contains(reg, "://") {
		u, err := url.Parse(reg)
		if err != nil || u.Host == "" {
			return "", false, usagef("SCANNER_REGISTRY %q is not a registry URL", reg)
		}
		host = u.Host
		insecure = u.Scheme == "http"
	}
	host = strings.TrimSuffix(host, "/")
	// NeuVector users write Docker Hub as https://registry.hub.docker.com/.
	if host == "registry.hub.docker.com" || host == "registry-1.docker.io" {
		host = "index.docker.io"
	}
	return host + "/" + repo + sep + tag, insecure, nil
}

// runOnDemand scans as NeuVector's standalone scanner does. With
// CLUSTER_JOIN_ADDR (and CLUSTER_JOIN_PORT, CLUSTER_ADVERTISED_ADDR,
// SCANFLEET_TOKEN) set, the report also goes to the controller, where it
// counts for admission control (submit.go).
func runOnDemand(ctx context.Context, e *env) error {
	ref, insecure, err := onDemandRef(e.Getenv)
	if err != nil {
		return err
	}
	f := &scanFlags{
		format:     "table",
		resultsDir: onDemandResultsDir,
		layers:     strings.EqualFold(e.Getenv("SCANNER_SCAN_LAYERS"), "true"),
		platform:   "linux/amd64",
		username:   e.Getenv("SCANNER_REGISTRY_USERNAME"),
		password:   e.Getenv("SCANNER_REGISTRY_PASSWORD"),
		dockerHost: e.Getenv("SCANNER_DOCKER_URL"),
		insecure:   insecure,
		dbPath:     e.Getenv("SCANFLEET_DB"),
		timeout:    0,
	}
	if d := e.Getenv("SCANFLEET_RESULTS_DIR"); d != "" {
		f.resultsDir = d
	}
	if err := runScan(ctx, e, ref, f); err != nil {
		return fmt.Errorf("on-demand scan of %s: %w", ref, err)
	}
	return nil
}
