package api

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoStoreDependency: package api owns its wire types and links no
// part of the controller's store, directly or through another package,
// so a change to a stored struct cannot change the wire format. The
// controller does link the store (so the path checked is the right one).
func TestNoStoreDependency(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const storePkg = "github.com/scanfleet/scanfleet/internal/store"
	deps := func(pkg string) []string {
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
	for _, p := range deps("github.com/scanfleet/scanfleet/internal/api") {
		if p == storePkg || strings.HasPrefix(p, storePkg+"/") {
			t.Errorf("package api links %s: the wire types must not depend on the store (convert in internal/controller/apiconv)", p)
		}
	}
	if !slices.Contains(deps("github.com/scanfleet/scanfleet/internal/controller/apiconv"), storePkg) {
		t.Errorf("apiconv does not link %s: the check above would miss it", storePkg)
	}
}
