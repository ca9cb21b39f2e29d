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
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	admissionv1 "k8s.io/api/admissionregistration/v1"

	"github.com/scanfleet/scanfleet/internal/cli"
	"github.com/scanfleet/scanfleet/internal/kube/kubetest"
	"github.com/scanfleet/scanfleet/internal/kubecli"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// layout is one way to run Scanfleet on Kubernetes: a directory of
// manifests (under deploy/kubernetes) and the chart values that render the
// same objects.
type layout struct {
	name string
	dir  string   // relative to deploy/kubernetes
	set  []string // helm --set values
	ha   bool     // several controllers on PostgreSQL
}

var layouts = []layout{
	{name: "ha", dir: ".", ha: true},
	{name: "small-site", dir: "small-site", set: []string{"controller.store=sqlite"}},
}

// manifestFiles lists a layout's directory in apply order (files, or
// symbolic links to the files a layout shares with another).
func manifestFiles(t *testing.T, l layout) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testutil.ModuleRoot(t), "deploy", "kubernetes", l.dir, "*.yaml"))
	if err != nil || len(files) < 7 {
		t.Fatalf("manifests of %s: %v %v", l.name, files, err)
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
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			var all []byte
			for _, f := range manifestFiles(t, l) {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				dryRun(t, filepath.Base(f), raw, len(decode(t, f, raw)))
				all = append(append(all, "\n---\n"...), raw...)
			}
			// kubectl's own reading of the directory, as a user applies
			// it (symbolic links included).
			out, err := kubectl(t, nil, "apply", "--dry-run=server", "-f", filepath.Join(testutil.ModuleRoot(t), "deploy", "kubernetes", l.dir))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Count(out, "(server dry run)"), len(decode(t, l.dir, all)); got != want {
				t.Fatalf("kubectl apply -f %s: the server accepted %d objects, want %d:\n%s", l.dir, got, want, out)
			}
		})
	}
}

// typed decodes a layout's manifests into client-go types.
func typed(t *testing.T, l layout) []runtime.Object {
	t.Helper()
	var objs []runtime.Object
	for _, f := range manifestFiles(t, l) {
		objs = append(objs, kubetest.ManifestObjects(t, filepath.Join(l.dir, filepath.Base(f)))...)
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
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) { manifestPolicy(t, l) })
	}
}

func manifestPolicy(t *testing.T, l layout) {
	objs := typed(t, l)
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
	// --watch-pods: one ClusterRole, read-only on Pods and nothing else,
	// bound to the controller's account only; the controller runs with it.
	var clusterRoles []string
	for _, o := range objs {
		if cr, ok := o.(*rbacv1.ClusterRole); ok {
			clusterRoles = append(clusterRoles, cr.Name)
		}
	}
	if !slices.Equal(clusterRoles, []string{"scanfleet-pod-reader"}) {
		t.Errorf("ClusterRoles %v, want only scanfleet-pod-reader", clusterRoles)
	}
	podReader := find[*rbacv1.ClusterRole](t, objs, "scanfleet-pod-reader")
	if want := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}}}; !reflect.DeepEqual(podReader.Rules, want) {
		t.Errorf("pod reader rules %+v, want %+v", podReader.Rules, want)
	}
	crb := find[*rbacv1.ClusterRoleBinding](t, objs, "scanfleet-pod-reader")
	if crb.RoleRef.Kind != "ClusterRole" || crb.RoleRef.Name != podReader.Name ||
		!reflect.DeepEqual(crb.Subjects, []rbacv1.Subject{{Kind: "ServiceAccount", Name: "scanfleet-controller", Namespace: "scanfleet"}}) {
		t.Errorf("pod reader binding %+v", crb)
	}
	if ctl := find[*appsv1.Deployment](t, objs, "scanfleet-controller"); !slices.Contains(ctl.Spec.Template.Spec.Containers[0].Args, "--watch-pods") {
		t.Errorf("the controller runs without --watch-pods: %v", ctl.Spec.Template.Spec.Containers[0].Args)
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
	if l.ha {
		haControllerPolicy(t, objs, role)
	} else {
		smallSiteControllerPolicy(t, objs)
	}
}

// controllerArgs returns the controller container and its --flag=value
// arguments by flag name (a repeated flag keeps every value).
func controllerArgs(t *testing.T, d *appsv1.Deployment) (corev1.Container, map[string][]string) {
	t.Helper()
	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("controller pod has %d containers, want 1", len(d.Spec.Template.Spec.Containers))
	}
	c := d.Spec.Template.Spec.Containers[0]
	args := map[string][]string{}
	for _, a := range c.Args {
		if name, val, ok := strings.Cut(strings.TrimPrefix(a, "--"), "="); ok && strings.HasPrefix(a, "--") {
			args[name] = append(args[name], val)
		}
	}
	return c, args
}

// mountedVolume returns the pod volume mounted at the directory holding
// path (the longest mount path that is a prefix of it).
func mountedVolume(p corev1.PodSpec, c corev1.Container, path string) (*corev1.Volume, *corev1.VolumeMount) {
	var best *corev1.VolumeMount
	for i, m := range c.VolumeMounts {
		if (path == m.MountPath || strings.HasPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/")) && (best == nil || len(m.MountPath) > len(best.MountPath)) {
			best = &c.VolumeMounts[i]
		}
	}
	if best == nil {
		return nil, nil
	}
	for i, v := range p.Volumes {
		if v.Name == best.Name {
			return &p.Volumes[i], best
		}
	}
	return nil, best
}

// selects reports whether a label selector of matchLabels only selects
// pods labelled labels.
func selects(sel *metav1.LabelSelector, labels map[string]string) bool {
	if sel == nil || len(sel.MatchLabels) == 0 || len(sel.MatchExpressions) > 0 {
		return false
	}
	for k, v := range sel.MatchLabels {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// haControllerPolicy: three replicas of one control plane on PostgreSQL,
// no volume of their own, the DSN and the sealing key from Secrets, the
// Lease, a disruption budget and spreading over nodes.
func haControllerPolicy(t *testing.T, objs []runtime.Object, role *rbacv1.Role) {
	d := find[*appsv1.Deployment](t, objs, "scanfleet-controller")
	p := d.Spec.Template.Spec
	c, args := controllerArgs(t, d)
	replicas := int(*d.Spec.Replicas)
	if replicas != 3 {
		t.Errorf("controller replicas %d, want 3", replicas)
	}
	if ru := d.Spec.Strategy.RollingUpdate; d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || ru == nil || ru.MaxUnavailable.String() != "0" {
		t.Errorf("controller strategy %+v: want a rolling update keeping every replica", d.Spec.Strategy)
	}

	// The DSN comes from a Secret, in the environment the CLI reads for
	// --postgres, and is not also given (in clear) as a flag.
	var dsn *corev1.SecretKeySelector
	for _, e := range c.Env {
		if e.Name == "SCANFLEET_POSTGRES" && e.ValueFrom != nil {
			dsn = e.ValueFrom.SecretKeyRef
		}
	}
	if dsn == nil || dsn.Name != "scanfleet-postgres" || dsn.Key != "dsn" || (dsn.Optional != nil && *dsn.Optional) {
		t.Errorf("controller env %+v: want SCANFLEET_POSTGRES from key dsn of Secret scanfleet-postgres, not optional", c.Env)
	}
	for _, f := range []string{"postgres", "store-postgres", "queue-postgres"} {
		if args[f] != nil {
			t.Errorf("controller args give --%s: the DSN belongs in the Secret", f)
		}
	}

	// The sealing key: a file of the scanfleet-secret-key Secret, the
	// same for every replica.
	keys := args["secret-key-file"]
	if len(keys) == 0 {
		t.Errorf("controller args %v: no --secret-key-file (each replica would make its own key)", c.Args)
	}
	for _, k := range keys {
		v, m := mountedVolume(p, c, k)
		if v == nil || v.Secret == nil || v.Secret.SecretName != "scanfleet-secret-key" || !m.ReadOnly {
			t.Errorf("--secret-key-file=%s is not in a read-only mount of Secret scanfleet-secret-key (volume %+v)", k, v)
			continue
		}
		if v.Secret.DefaultMode == nil || *v.Secret.DefaultMode&0o007 != 0 {
			t.Errorf("sealing key volume mode %v: others may read it", v.Secret.DefaultMode)
		}
		if file := strings.TrimPrefix(k, strings.TrimSuffix(m.MountPath, "/")+"/"); file != "secret.key" {
			t.Errorf("--secret-key-file=%s: want the Secret's key secret.key", k)
		}
	}

	// No per-replica state: the only claim is the database volume the
	// scanners share (ReadWriteMany, mounted read-only), and the data
	// directory is scratch space.
	scannerDB := ""
	for _, v := range find[*appsv1.Deployment](t, objs, "scanfleet-scanner").Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			scannerDB = v.PersistentVolumeClaim.ClaimName
		}
	}
	for _, v := range p.Volumes {
		if pvc := v.PersistentVolumeClaim; pvc != nil {
			claim := find[*corev1.PersistentVolumeClaim](t, objs, pvc.ClaimName)
			if pvc.ClaimName != scannerDB || !slices.Contains(claim.Spec.AccessModes, corev1.ReadWriteMany) {
				t.Errorf("controller volume %s: claim %s is per-replica state (want only the scanners' shared database)", v.Name, pvc.ClaimName)
			}
		}
	}
	if _, m := mountedVolume(p, c, args["db"][0]); m == nil || !m.ReadOnly {
		t.Errorf("--db=%s is not on a read-only mount", args["db"][0])
	}
	for _, o := range objs {
		if pvc, ok := o.(*corev1.PersistentVolumeClaim); ok && pvc.Name != scannerDB {
			t.Errorf("PersistentVolumeClaim %s in the HA layout", pvc.Name)
		}
	}
	if dv, _ := mountedVolume(p, c, args["data-dir"][0]); dv != nil && dv.EmptyDir == nil {
		t.Errorf("--data-dir=%s is on volume %+v: want scratch space", args["data-dir"][0], dv)
	}

	// The Lease the Role lets the controllers renew.
	if !slices.Equal(args["leader-elect"], []string{"kubernetes"}) || len(args["leader-lease-name"]) != 1 ||
		!slices.Contains(role.Rules[2].ResourceNames, args["leader-lease-name"][0]) {
		t.Errorf("controller election args %v %v; Role names %v", args["leader-elect"], args["leader-lease-name"], role.Rules[2].ResourceNames)
	}

	// A voluntary disruption leaves at least two controllers and does
	// not block drains.
	var pdbs []*policyv1.PodDisruptionBudget
	for _, o := range objs {
		if pdb, ok := o.(*policyv1.PodDisruptionBudget); ok && selects(pdb.Spec.Selector, d.Spec.Template.Labels) {
			pdbs = append(pdbs, pdb)
		}
	}
	if len(pdbs) != 1 {
		t.Fatalf("%d PodDisruptionBudgets select the controllers, want 1", len(pdbs))
	}
	spec := pdbs[0].Spec
	left := -1
	switch {
	case spec.MaxUnavailable != nil && spec.MinAvailable == nil && spec.MaxUnavailable.Type == intstr.Int:
		left = replicas - spec.MaxUnavailable.IntValue()
	case spec.MinAvailable != nil && spec.MaxUnavailable == nil && spec.MinAvailable.Type == intstr.Int:
		left = spec.MinAvailable.IntValue()
	}
	if left < 2 || left >= replicas {
		t.Errorf("controller PodDisruptionBudget %+v leaves %d of %d replicas: want at least 2, and room to drain", spec, left, replicas)
	}

	// Replicas spread over nodes.
	spread := false
	if a := p.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, w := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			spread = spread || (w.PodAffinityTerm.TopologyKey == corev1.LabelHostname && selects(w.PodAffinityTerm.LabelSelector, d.Spec.Template.Labels))
		}
		for _, term := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			spread = spread || (term.TopologyKey == corev1.LabelHostname && selects(term.LabelSelector, d.Spec.Template.Labels))
		}
	}
	if !spread {
		t.Errorf("controller affinity %+v: want anti-affinity by %s among controllers", p.Affinity, corev1.LabelHostname)
	}
}

// smallSiteControllerPolicy: one controller, its SQLite state, queue and
// key on its own ReadWriteOnce volume, replaced (not rolled) on update.
func smallSiteControllerPolicy(t *testing.T, objs []runtime.Object) {
	d := find[*appsv1.Deployment](t, objs, "scanfleet-controller")
	p := d.Spec.Template.Spec
	c, args := controllerArgs(t, d)
	if *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		t.Errorf("small-site controller: replicas %d, strategy %s; want 1, Recreate", *d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	for _, f := range []string{"postgres", "store-postgres", "queue-postgres", "secret-key-file"} {
		if args[f] != nil {
			t.Errorf("small-site controller args give --%s", f)
		}
	}
	for _, e := range c.Env {
		if strings.Contains(e.Name, "POSTGRES") {
			t.Errorf("small-site controller env has %s", e.Name)
		}
	}
	v, m := mountedVolume(p, c, args["data-dir"][0])
	if v == nil || v.PersistentVolumeClaim == nil || m.ReadOnly {
		t.Fatalf("--data-dir=%s is not on a writable volume claim (%+v)", args["data-dir"][0], v)
	}
	claim := find[*corev1.PersistentVolumeClaim](t, objs, v.PersistentVolumeClaim.ClaimName)
	if !slices.Equal(claim.Spec.AccessModes, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}) {
		t.Errorf("data claim %s access modes %v, want ReadWriteOnce", claim.Name, claim.Spec.AccessModes)
	}
	for _, o := range objs {
		if _, ok := o.(*policyv1.PodDisruptionBudget); ok {
			t.Errorf("a PodDisruptionBudget in the small-site layout: for one controller it blocks every drain or protects nothing")
		}
	}
}

// TestManifestFlagsExist runs each container's command with --help through
// the real CLI (the controller's through scanfleet-controller's entry, with
// the Kubernetes integration) and checks that every flag the manifests
// pass exists and that every SCANFLEET_ variable they set is one the
// command reads, so a renamed flag cannot leave the manifests behind.
func TestManifestFlagsExist(t *testing.T) {
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) { manifestFlagsExist(t, l) })
	}
}

func manifestFlagsExist(t *testing.T, l layout) {
	objs := typed(t, l)
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
		controllerBinary := []string{"/usr/local/bin/scanfleet-controller"}
		if usesKube && !slices.Equal(c.Command, controllerBinary) {
			t.Errorf("%s: command %v with Kubernetes flags; want %v", c.Name, c.Command, controllerBinary)
		}
		var out, errb bytes.Buffer
		args := append(slices.Clone(sub), "--help")
		var code int
		if slices.Equal(c.Command, controllerBinary) {
			code = cli.MainKubernetes(context.Background(), args, strings.NewReader(""), &out, &errb, kubecli.Integration{})
		} else {
			code = cli.Main(context.Background(), args, strings.NewReader(""), &out, &errb)
		}
		if code != 0 {
			t.Fatalf("%v --help: exit %d: %s", sub, code, errb.String())
		}
		for _, f := range flags {
			if !strings.Contains(out.String(), "--"+f+" ") && !strings.Contains(out.String(), "--"+f+"\n") {
				t.Errorf("%s: `scanfleet %s` has no flag --%s", c.Name, strings.Join(sub, " "), f)
			}
		}
		// The flags' help names the variables each one falls back to.
		for _, e := range c.Env {
			if strings.HasPrefix(e.Name, "SCANFLEET_") && !regexp.MustCompile(`\b`+e.Name+`\b`).MatchString(out.String()) {
				t.Errorf("%s: sets %s, which `scanfleet %s` does not read", c.Name, e.Name, strings.Join(sub, " "))
			}
		}
	}
}

// helmrender builds deploy/helmrender (a module of its own, whose Helm
// dependencies come from the module proxy on first use) and returns a
// function that renders deploy/helm/scanfleet with it as release
// "scanfleet" in namespace "scanfleet", with helm --set values.
func helmrender(t *testing.T) func(set ...string) (rendered []byte, lint string, err error) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Helm's renderer")
	}
	root := testutil.ModuleRoot(t)
	bin := filepath.Join(t.TempDir(), "helmrender")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join(root, "deploy", "helmrender")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building helmrender: %v\n%s", err, out)
	}
	return func(set ...string) ([]byte, string, error) {
		cmd := exec.Command(bin, append([]string{filepath.Join(root, "deploy", "helm", "scanfleet"), "scanfleet", "scanfleet"}, set...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.Bytes(), errb.String(), err
	}
}

// TestHelmChart lints the chart, has the API server dry-run what it
// renders, and checks that it renders each layout's objects of
// deploy/kubernetes (but the Namespace, which Helm leaves to
// --create-namespace), field for field apart from Helm's own labels; and
// that values which cannot work are refused with the reason.
func TestHelmChart(t *testing.T) {
	render := helmrender(t)
	ensureNamespace(t)
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			rendered, lint, err := render(l.set...)
			if err != nil {
				t.Fatalf("helmrender %v: %v\n%s", l.set, err, lint)
			}
			helmChartMatches(t, l, rendered, lint)
		})
	}
	bad := []struct {
		set  []string
		want string
	}{
		{[]string{"controller.store=sqlite", "controller.replicas=3"}, "SQLite serves one controller"},
		{[]string{"controller.store=mysql"}, `controller.store="mysql": want postgres or sqlite`},
	}
	for _, tc := range bad {
		t.Run(strings.Join(tc.set, ","), func(t *testing.T) {
			_, stderr, err := render(tc.set...)
			if err == nil || !strings.Contains(stderr, tc.want) {
				t.Errorf("helmrender %v: err %v, stderr %q; want a failure saying %q", tc.set, err, stderr, tc.want)
			}
		})
	}
	// More replicas on PostgreSQL: the count follows the value and the
	// disruption budget still takes one at a time.
	rendered, lint, err := render("controller.replicas=5")
	if err != nil {
		t.Fatalf("helmrender controller.replicas=5: %v\n%s", err, lint)
	}
	var got []string
	for _, o := range decode(t, "replicas=5", rendered) {
		spec, _ := o["spec"].(map[string]any)
		switch o["kind"] {
		case "Deployment":
			got = append(got, fmt.Sprintf("%v replicas=%v", o["metadata"].(map[string]any)["name"], spec["replicas"]))
		case "PodDisruptionBudget":
			got = append(got, fmt.Sprintf("pdb maxUnavailable=%v", spec["maxUnavailable"]))
		}
	}
	sort.Strings(got)
	if want := []string{"pdb maxUnavailable=1", "scanfleet-controller replicas=5", "scanfleet-scanner replicas=2"}; !slices.Equal(got, want) {
		t.Errorf("controller.replicas=5 renders %v, want %v", got, want)
	}
	// controller.watchPods=false: neither the flag nor the ClusterRole.
	rendered, lint, err = render("controller.watchPods=false")
	if err != nil {
		t.Fatalf("helmrender controller.watchPods=false: %v\n%s", err, lint)
	}
	for _, o := range decode(t, "watchPods=false", rendered) {
		if k := o["kind"]; k == "ClusterRole" || k == "ClusterRoleBinding" {
			t.Errorf("controller.watchPods=false renders a %v", k)
		}
	}
	if strings.Contains(string(rendered), "--watch-pods") {
		t.Errorf("controller.watchPods=false still passes --watch-pods")
	}
}

// TestRBACCanI applies the manifests' RBAC (shared by both layouts; the
// chart renders the same objects, TestHelmChart) to the real API server
// and asks it, impersonating each service account, what it may do: the
// controller may read and watch Pods everywhere, scale only the scanner
// Deployment and hold only its Lease; it may not change Pods, read
// Secrets, or read Deployments and ReplicaSets; the scanner may do none
// of it.
func TestRBACCanI(t *testing.T) {
	ensureNamespace(t)
	if _, err := kubectl(t, nil, "apply", "-f", filepath.Join(testutil.ModuleRoot(t), "deploy", "kubernetes", "10-rbac.yaml")); err != nil {
		t.Fatal(err)
	}
	const (
		controller = "system:serviceaccount:scanfleet:scanfleet-controller"
		scanner    = "system:serviceaccount:scanfleet:scanfleet-scanner"
	)
	for _, tc := range []struct {
		as   string
		args []string
		want bool
	}{
		{controller, []string{"list", "pods", "--all-namespaces"}, true},
		{controller, []string{"watch", "pods", "--all-namespaces"}, true},
		{controller, []string{"get", "pods", "-n", "default"}, true},
		{controller, []string{"create", "pods", "-n", "scanfleet"}, false},
		{controller, []string{"delete", "pods", "--all-namespaces"}, false},
		{controller, []string{"patch", "pods", "-n", "default"}, false},
		{controller, []string{"update", "pods", "--subresource=status", "-n", "default"}, false},
		{controller, []string{"create", "pods", "--subresource=exec", "-n", "default"}, false},
		{controller, []string{"get", "pods", "--subresource=log", "-n", "default"}, false},
		{controller, []string{"get", "secrets", "-n", "scanfleet"}, false},
		{controller, []string{"list", "secrets", "--all-namespaces"}, false},
		{controller, []string{"list", "deployments.apps", "-n", "scanfleet"}, false},
		{controller, []string{"list", "replicasets.apps", "--all-namespaces"}, false},
		{controller, []string{"update", "deployments.apps/scanfleet-scanner", "--subresource=scale", "-n", "scanfleet"}, true},
		{controller, []string{"update", "deployments.apps/other", "--subresource=scale", "-n", "scanfleet"}, false},
		{controller, []string{"update", "leases.coordination.k8s.io/scanfleet-controller", "-n", "scanfleet"}, true},
		{controller, []string{"update", "leases.coordination.k8s.io/other", "-n", "scanfleet"}, false},
		{scanner, []string{"list", "pods", "--all-namespaces"}, false},
		{scanner, []string{"get", "secrets", "-n", "scanfleet"}, false},
	} {
		t.Run(tc.as[strings.LastIndex(tc.as, ":")+1:]+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			out, err := kubectl(t, nil, append([]string{"auth", "can-i", "--as=" + tc.as}, tc.args...)...)
			got := strings.TrimSpace(out)
			if got != "yes" && got != "no" {
				t.Fatalf("kubectl auth can-i: %q, %v", out, err)
			}
			if (got == "yes") != tc.want {
				t.Errorf("can-i = %s, want %v", got, tc.want)
			}
		})
	}
}

func helmChartMatches(t *testing.T, l layout, rendered []byte, lint string) {
	for l := range strings.SplitSeq(strings.TrimSpace(lint), "\n") {
		if l != "" && !strings.HasPrefix(l, "lint: [INFO]") {
			t.Errorf("helm lint: %s", l)
		}
	}
	chart := decode(t, "rendered chart", rendered)
	dryRun(t, "rendered chart", rendered, len(chart))

	key := func(o map[string]any) string {
		md, _ := o["metadata"].(map[string]any)
		return fmt.Sprintf("%v/%v", o["kind"], md["name"])
	}
	plain := map[string]map[string]any{}
	for _, f := range manifestFiles(t, l) {
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
			t.Errorf("the chart renders %s, which deploy/kubernetes/%s lacks", k, l.dir)
			continue
		}
		stripHelmLabels(o)
		if !reflect.DeepEqual(o, p) {
			t.Errorf("%s differs:\nchart:    %v\nmanifest: %v", k, o, p)
		}
	}
	for k := range plain {
		if !seen[k] {
			t.Errorf("deploy/kubernetes/%s has %s, which the chart does not render", l.dir, k)
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
