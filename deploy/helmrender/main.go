// Command helmrender lints and renders the Scanfleet Helm chart with Helm's
// own libraries (helm.sh/helm/v3), for tests on machines without a helm
// binary. It is a module of its own so that Helm's dependency tree stays
// out of Scanfleet's go.mod.
//
//	go run . CHART_DIR RELEASE NAMESPACE [KEY=VALUE ...] > rendered.yaml
//
// KEY=VALUE arguments set values as helm's --set does.
// Lint messages go to standard error, one per line, prefixed "lint: ";
// the rendered manifests, in template order, to standard output.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/strvals"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: helmrender CHART_DIR RELEASE NAMESPACE [KEY=VALUE ...]")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3], os.Args[4:]); err != nil {
		fmt.Fprintln(os.Stderr, "helmrender:", err)
		os.Exit(1)
	}
}

func run(dir, release, namespace string, sets []string) error {
	set := map[string]any{}
	for _, kv := range sets {
		if err := strvals.ParseInto(kv, set); err != nil {
			return fmt.Errorf("value %q: %w", kv, err)
		}
	}
	for _, m := range lint.All(dir, set, namespace, false).Messages {
		fmt.Fprintln(os.Stderr, "lint:", m)
	}
	ch, err := loader.Load(dir)
	if err != nil {
		return fmt.Errorf("loading %s: %w", dir, err)
	}
	vals, err := chartutil.ToRenderValues(ch, set,
		chartutil.ReleaseOptions{Name: release, Namespace: namespace, IsInstall: true, Revision: 1},
		chartutil.DefaultCapabilities)
	if err != nil {
		return fmt.Errorf("values: %w", err)
	}
	out, err := engine.Render(ch, vals)
	if err != nil {
		return fmt.Errorf("rendering: %w", err)
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.HasSuffix(n, ".yaml") || strings.TrimSpace(out[n]) == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s\n%s\n", n, out[n])
	}
	return nil
}
