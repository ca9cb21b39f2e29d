package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	admissionv1 "k8s.io/api/admissionregistration/v1"

	"github.com/scanfleet/scanfleet/internal/cli"
	"github.com/scanfleet/scanfleet/internal/kube/kubetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// manifestFiles lists deploy/kubernetes in apply order.
func manifestFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testutil.ModuleRoot(t), "deploy", "kubernetes", "*.yaml"))
	if err != nil || len(files) < 7 {
		t.Fatalf("manifests: %v %v", files, err)
	}
	sort.Strings(files)
	return files
}

// kubectl runs the test kubectl against the test API server.
func kubectl(t *testing.T, stdin io.Reader, args ...string) (string, error) {
	t.Helper()
	bin := testutil.Service(t, "SCANFLEET_TEST_KUBECTL")
	kubeconfig := testutil.Service(t, "SCANFLEET_TEST_KUBECONFIG")
	cmd := exec.Command(bin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("kubectl %s: %w\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), nil
}

// ensureNamespace creates the manifests' namespace for real: a server-side
// dry run of namespaced objects needs it to exist. It is left in place
// (without a controller-manager a deleted namespace never goes away).
func ensureNamespace(t *testing.T) {
	t.Helper()
	if _, err := kubectl(t, nil, "apply", "-f", filepath.Join(testutil.ModuleRoot(t), "deploy", "kubernetes", "00-namespace.yaml")); err != nil {
		t.Fatal(err)
	}
}

// dryRun applies YAML with --dry-run=server and checks that the API server
// accepted exactly want objects.
func dryRun(t *testing.T, what string, yaml []byte, want int) {
	t.Helper()
	out, err := kubectl(t, bytes.NewReader(yaml), "apply", "--dry-run=server", "-f", "-")
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got := strings.Count(out, "(server dry run)")
	if got != want {
		t.Fatalf("%s: the server accepted %d objects, want %d:\n%s", what, got, want, out)
	}
}

// decode reads every object of a multi-document YAML stream.
func decode(t *testing.T, what string, raw []byte) []map[string]any {
	t.Helper()
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(raw), 4096)
	var objs []map[string]any
	for {
		var o map[string]any
		if err := d.Decode(&o); err != nil {
			if errors.Is(err, io.EOF) {
				return objs
			}
			t.Fatalf("%s: %v", what, err)
		}
		if o != nil {
			objs = append(objs, o)
		}
	}
}

func TestManifestsServerDryRun(t *testing.T) {
	ensureNamespace(t)
	for _, f := range manifestFiles(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dryRun(t, filepath.Base(f), raw, len(decode(t, f, raw)))
	}
}

// typed decodes the manifests into client-go types.
func typed(t *testing.T) []runtime.Object {
	t.Helper()
	var objs []runtime.Object
	for _, f := range manifestFiles(t) {
		objs = append(objs, kubetest.ManifestObjects(t, filepath.Base(f))...)
	}
	return objs
}

func find[T runtime.Object](t *testing.T, objs []runtime.Object, name string) T {
	t.Helper()
	for _, o := range objs {
		if v, ok := o.(T); ok && reflect.ValueOf(v).Elem().FieldByName("Name").String() == name {
			return v
		}
	}
	var zero T
	t.Fatalf("no %T %q in deploy/kubernetes", zero, name)
	return zero
}

// TestManifestPolicy checks what the issue asks of the objects themselves.
func TestManifestPolicy(t *testing.T) {
	objs := typed(t)
	scanner := find[*appsv1.Deployment](t, objs, "scanfleet-scanner")
	ru := scanner.Spec.Strategy.RollingUpdate
	if *scanner.Spec.Replicas != 2 || scanner.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType ||
		ru == nil || ru.MaxSurge.String() != "1" || ru.MaxUnavailable.String() != "0" {
		t.Errorf("scanner deployment: replicas %d, strategy %+v", *scanner.Spec.Replicas, scanner.Spec.Strategy)
	}
	// Memory sized from docs/benchmarks.md: the largest measured scan
	// peak (75 MB, the language-heavy image) times --concurrency must fit
	// in the request.
	c := scanner.Spec.Template.Spec.Containers[0]
	conc := 0
	for _, a := range c.Args {
		fmt.Sscanf(a, "--concurrency=%d", &conc)
	}
	req := c.Resources.Requests.Memory().Value()
	if conc < 1 || req < int64(conc)*75_000_000 || c.Resources.Limits.Memory().Cmp(*c.Resources.Requests.Memory()) <= 0 {
		t.Errorf("scanner memory request %d for concurrency %d, limit %v", req, conc, c.Resources.Limits.Memory())
	}

	role := find[*rbacv1.Role](t, objs, "scanfleet-controller")
	want := []rbacv1.PolicyRule{
		{APIGroups: []string{"apps"}, Resources: []string{"deployments/scale"}, ResourceNames: []string{"scanfleet-scanner"}, Verbs: []string{"get", "update", "patch"}},
		{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"create"}},
		{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, ResourceNames: []string{"scanfleet-controller"}, Verbs: []string{"get", "update", "patch"}},
	}
	if !reflect.DeepEqual(role.Rules, want) {
		t.Errorf("controller Role rules:\n%+v\nwant\n%+v", role.Rules, want)
	}
	for _, o := range objs {
		if _, ok := o.(*rbacv1.ClusterRole); ok {
			t.Errorf("a ClusterRole in deploy/kubernetes: the controller needs none")
		}
	}

	cron := find[*batchv1.CronJob](t, objs, "scanfleet-db-updater")
	if cron.Spec.Schedule != "0 0 * * *" {
		t.Errorf("db updater schedule %q, want nightly", cron.Spec.Schedule)
	}
	upd := cron.Spec.JobTemplate.Spec.Template.Spec.Containers[0]
	if len(upd.Args) < 2 || upd.Args[0] != "db" || upd.Args[1] != "update" {
		t.Errorf("db updater args %v", upd.Args)
	}

	wh := find[*admissionv1.ValidatingWebhookConfiguration](t, objs, "scanfleet-admission")
	svc := wh.Webhooks[0].ClientConfig.Service
	ctlSvc := find[*corev1.Service](t, objs, "scanfleet-controller")
	if svc == nil || *svc.Path != "/admission" || svc.Name != ctlSvc.Name || svc.Namespace != ctlSvc.Namespace || *svc.Port != ctlSvc.Spec.Ports[0].Port {
		t.Errorf("webhook client config %+v does not reach the controller service", wh.Webhooks[0].ClientConfig)
	}

	// Every pod runs as non-root, read-only, without privileges; only the
	// controller mounts an API token; the scanner, controller and updater
	// share the database volume, written only by the updater.
	pods := map[string]corev1.PodSpec{
		"controller": find[*appsv1.Deployment](t, objs, "scanfleet-controller").Spec.Template.Spec,
		"scanner":    scanner.Spec.Template.Spec,
		"db-updater": cron.Spec.JobTemplate.Spec.Template.Spec,
	}
	for name, p := range pods {
		if p.SecurityContext == nil || p.SecurityContext.RunAsNonRoot == nil || !*p.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: runAsNonRoot not set", name)
		}
		for _, c := range p.Containers {
			sc := c.SecurityContext
			if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				t.Errorf("%s: container security context %+v", name, sc)
			}
			for _, m := range c.VolumeMounts {
				if m.MountPath == "/var/lib/scanfleet-db" && m.ReadOnly == (name == "db-updater") {
					t.Errorf("%s: database mount read-only = %v", name, m.ReadOnly)
				}
			}
		}
		mounts := p.AutomountServiceAccountToken == nil || *p.AutomountServiceAccountToken
		if mounts != (name == "controller") {
			t.Errorf("%s: automountServiceAccountToken = %v", name, mounts)
		}
	}
}

// TestManifestFlagsExist runs each container's command with --help through
// the real CLI and checks that every flag the manifests pass exists, so a
// renamed flag cannot leave the manifests behind.
func TestManifestFlagsExist(t *testing.T) {
	objs := typed(t)
	var containers []corev1.Container
	for _, o := range objs {
		switch v := o.(type) {
		case *appsv1.Deployment:
			containers = append(containers, v.Spec.Template.Spec.Containers...)
		case *batchv1.CronJob:
			containers = append(containers, v.Spec.JobTemplate.Spec.Template.Spec.Containers...)
		}
	}
	if len(containers) != 3 {
		t.Fatalf("%d containers, want 3", len(containers))
	}
	flagRe := regexp.MustCompile(`^--([a-z0-9-]+)`)
	for _, c := range containers {
		var sub, flags []string
		for _, a := range c.Args {
			if m := flagRe.FindStringSubmatch(a); m != nil {
				flags = append(flags, m[1])
			} else if len(flags) == 0 {
				sub = append(sub, a)
			}
		}
		// The Kubernetes integration is linked only into
		// scanfleet-controller.
		usesKube := slices.ContainsFunc(c.Args, func(a string) bool {
			return strings.HasPrefix(a, "--kube-deployment") || a == "--leader-elect=kubernetes"
		})
		if wantCmd := []string{"/usr/local/bin/scanfleet-controller"}; usesKube && !slices.Equal(c.Command, wantCmd) {
			t.Errorf("%s: command %v with Kubernetes flags; want %v", c.Name, c.Command, wantCmd)
		}
		var out, errb bytes.Buffer
		if code := cli.Main(context.Background(), append(slices.Clone(sub), "--help"), strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("%v --help: exit %d: %s", sub, code, errb.String())
		}
		for _, f := range flags {
			if !strings.Contains(out.String(), "--"+f+" ") && !strings.Contains(out.String(), "--"+f+"\n") {
				t.Errorf("%s: `scanfleet %s` has no flag --%s", c.Name, strings.Join(sub, " "), f)
			}
		}
	}
}

// renderChart renders deploy/helm/scanfleet with Helm's libraries
// (deploy/helmrender, a module of its own, fetched from the module proxy
// on first use) as release "scanfleet" in namespace "scanfleet".
func renderChart(t *testing.T) (rendered []byte, lint string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Helm's renderer")
	}
	root := testutil.ModuleRoot(t)
	cmd := exec.Command("go", "run", ".", filepath.Join(root, "deploy", "helm", "scanfleet"), "scanfleet", "scanfleet")
	cmd.Dir = filepath.Join(root, "deploy", "helmrender")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("helmrender: %v\n%s", err, errb.String())
	}
	return out.Bytes(), errb.String()
}

// TestHelmChart lints the chart, has the API server dry-run what it
// renders, and checks that it renders the objects of deploy/kubernetes
// (but the Namespace, which Helm leaves to --create-namespace), field for
// field apart from Helm's own labels.
func TestHelmChart(t *testing.T) {
	rendered, lint := renderChart(t)
	for l := range strings.SplitSeq(strings.TrimSpace(lint), "\n") {
		if l != "" && !strings.HasPrefix(l, "lint: [INFO]") {
			t.Errorf("helm lint: %s", l)
		}
	}
	chart := decode(t, "rendered chart", rendered)
	ensureNamespace(t)
	dryRun(t, "rendered chart", rendered, len(chart))

	key := func(o map[string]any) string {
		md, _ := o["metadata"].(map[string]any)
		return fmt.Sprintf("%v/%v", o["kind"], md["name"])
	}
	plain := map[string]map[string]any{}
	for _, f := range manifestFiles(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range decode(t, f, raw) {
			if o["kind"] != "Namespace" {
				plain[key(o)] = o
			}
		}
	}
	seen := map[string]bool{}
	for _, o := range chart {
		k := key(o)
		seen[k] = true
		p, ok := plain[k]
		if !ok {
			t.Errorf("the chart renders %s, which deploy/kubernetes lacks", k)
			continue
		}
		stripHelmLabels(o)
		if !reflect.DeepEqual(o, p) {
			t.Errorf("%s differs:\nchart:    %v\nmanifest: %v", k, o, p)
		}
	}
	for k := range plain {
		if !seen[k] {
			t.Errorf("deploy/kubernetes has %s, which the chart does not render", k)
		}
	}
}

// stripHelmLabels removes the labels only a Helm release carries, from
// every metadata map in o.
func stripHelmLabels(v any) {
	switch x := v.(type) {
	case map[string]any:
		if labels, ok := x["labels"].(map[string]any); ok {
			for _, l := range []string{"app.kubernetes.io/instance", "app.kubernetes.io/managed-by", "helm.sh/chart"} {
				delete(labels, l)
			}
		}
		for _, e := range x {
			stripHelmLabels(e)
		}
	case []any:
		for _, e := range x {
			stripHelmLabels(e)
		}
	}
}

// TestDockerfile checks the image recipe without an engine that could
// pull its base images: a Go builder stage making a static binary, a
// final distroless stage running as a numeric non-root user with an
// exec-form entry point; and that the build context .dockerignore leaves
// holds every package and embedded file the binary is built from.
func TestDockerfile(t *testing.T) {
	root := testutil.ModuleRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines, drop comments.
	text := regexp.MustCompile(`\\\n\s*`).ReplaceAllString(string(raw), " ")
	var stages [][]string
	for l := range strings.SplitSeq(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("instruction before FROM: %q", l)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], l)
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want a builder and a final stage", len(stages))
	}
	build, final := strings.Join(stages[0], "\n"), stages[1]
	// The image builds with the toolchain go.mod asks for (its toolchain
	// line, else its go line), major.minor.
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(gomod))
	if tc := regexp.MustCompile(`(?m)^toolchain go(\d+\.\d+)`).FindStringSubmatch(string(gomod)); tc != nil {
		goVer = tc
	}
	if goVer == nil {
		t.Fatal("go.mod has no go line")
	}
	for _, want := range []string{"FROM golang:" + goVer[1], "CGO_ENABLED=0", "go build", "./cmd/scanfleet ", "./cmd/scanfleet-controller"} {
		if !strings.Contains(build, want) {
			t.Errorf("builder stage lacks %q", want)
		}
	}
	if !strings.HasPrefix(final[0], "FROM gcr.io/distroless/static") {
		t.Errorf("final stage %q is not distroless/static", final[0])
	}
	var user, entry string
	for _, l := range final {
		switch {
		case strings.HasPrefix(l, "USER "):
			user = strings.TrimPrefix(l, "USER ")
		case strings.HasPrefix(l, "ENTRYPOINT "):
			entry = strings.TrimPrefix(l, "ENTRYPOINT ")
		case strings.HasPrefix(l, "RUN "):
			t.Errorf("final stage runs %q: it has no shell", l)
		}
	}
	if !regexp.MustCompile(`^[1-9][0-9]*(:[1-9][0-9]*)?$`).MatchString(user) {
		t.Errorf("USER %q: want a numeric non-root uid", user)
	}
	if !strings.HasPrefix(entry, `["`) {
		t.Errorf("ENTRYPOINT %s: want exec form (there is no shell)", entry)
	}

	// The context: what .dockerignore lets through is go.mod, go.sum,
	// cmd/ and internal/. Every in-module package and embedded file of
	// the binary must be there.
	list := exec.Command("go", "list", "-deps", "-f", `{{if .Module}}{{if .Module.Main}}{{.Dir}}{{range .EmbedFiles}} {{$.Dir}}/{{.}}{{end}}{{end}}{{end}}`, "./cmd/...")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	n := 0
	for _, p := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if !strings.HasPrefix(rel, "cmd"+string(filepath.Separator)) && !strings.HasPrefix(rel, "internal"+string(filepath.Separator)) {
			t.Errorf("the binary needs %s, outside the Docker build context", rel)
		}
	}
	if n < 20 {
		t.Fatalf("go list found only %d package dirs and files", n)
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"*", "!go.mod", "!go.sum", "!cmd/", "!internal/"} {
		if !slices.Contains(strings.Split(string(ignore), "\n"), want) {
			t.Errorf(".dockerignore lacks the line %q", want)
		}
	}
}
