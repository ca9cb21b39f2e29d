package main

import (
	"os/exec"
	"strings"
	"testing"
)

// linkedPackages lists the packages a main package links (go list -deps).
func linkedPackages(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr)
	}
	return strings.Fields(string(out))
}

// heavy are the libraries the scanner binary must not link: the
// Kubernetes client and API types (about 13 MB of resident memory per
// process, docs/benchmarks.md) and the cloud SDKs that registry
// credentials need. Both belong to scanfleet-controller alone (kubecli,
// cloudcreds): scanners get short-lived registry credentials with each
// lease instead.
var heavy = []string{
	"k8s.io/",
	"github.com/aws/",
	"github.com/Azure/",
	"cloud.google.com/go",
	"golang.org/x/oauth2/google",
	"github.com/scanfleet/scanfleet/internal/kubecli",
	"github.com/scanfleet/scanfleet/internal/cloudcreds",
}

// TestScannerLinksNoCloudSDK: cmd/scanfleet links none of the heavy
// libraries, while the packages that do need them still do (so the
// prefixes above are the right ones, and the test would notice).
func TestScannerLinksNoCloudSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, p := range linkedPackages(t, "github.com/scanfleet/scanfleet/cmd/scanfleet") {
		for _, h := range heavy {
			if strings.HasPrefix(p, h) {
				t.Errorf("the scanner binary links %s (prefix %s); keep it to scanfleet-controller", p, h)
			}
		}
	}
	for pkg, want := range map[string][]string{
		"github.com/scanfleet/scanfleet/internal/cloudcreds": {"github.com/aws/aws-sdk-go-v2/service/ecr", "golang.org/x/oauth2/google", "github.com/Azure/azure-sdk-for-go/sdk/azidentity"},
		"github.com/scanfleet/scanfleet/internal/kubecli":    {"k8s.io/client-go/kubernetes"},
	} {
		deps := strings.Join(linkedPackages(t, pkg), "\n") + "\n"
		for _, w := range want {
			if !strings.Contains(deps, w+"\n") {
				t.Errorf("%s does not link %s: the check above would miss it", pkg, w)
			}
		}
	}
}
