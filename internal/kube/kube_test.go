package kube_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/kube"
	"github.com/scanfleet/scanfleet/internal/kube/kubetest"
	"github.com/scanfleet/scanfleet/internal/leader/lease"
)

func TestParseObjectRef(t *testing.T) {
	for _, tc := range []struct {
		in       string
		ns, name string
		wantErr  string
	}{
		{in: "scanfleet/scanfleet-scanner", ns: "scanfleet", name: "scanfleet-scanner"},
		{in: "a/b.c", ns: "a", name: "b.c"},
		{in: "scanner", wantErr: "want NAMESPACE/NAME"},
		{in: "/scanner", wantErr: "namespace"},
		{in: "ns/", wantErr: "name"},
		{in: "Ns/x", wantErr: "namespace"},
		{in: "ns.dots/x", wantErr: "namespace"},
		{in: "ns/x/y", wantErr: "name"},
		{in: "ns/" + strings.Repeat("a", 254), wantErr: "name"},
	} {
		ns, name, err := kube.ParseObjectRef(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseObjectRef(%q) = %q, %q, %v; want error with %q", tc.in, ns, name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || ns != tc.ns || name != tc.name {
			t.Errorf("ParseObjectRef(%q) = %q, %q, %v; want %q, %q", tc.in, ns, name, err, tc.ns, tc.name)
		}
	}
}

func FuzzParseObjectRef(f *testing.F) {
	for _, s := range []string{"scanfleet/scanfleet-scanner", "a/b", "/", "", "a//b", "ü/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, name, err := kube.ParseObjectRef(s)
		if err != nil {
			return
		}
		if ns+"/"+name != s || ns == "" || name == "" || strings.Contains(ns, "/") {
			t.Fatalf("ParseObjectRef(%q) = %q, %q", s, ns, name)
		}
	})
}

// TestLoadConfig: an explicit path wins over $KUBECONFIG, which is used
// when no path is given; a broken file is a clear error.
func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, server string) string {
		p := filepath.Join(dir, name)
		doc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: %q, insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: secret-token-value}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`, server)
		if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	explicit := write("explicit", "https://explicit.example:6443")
	env := write("env", "https://env.example:6443")
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("clusters: [not: a: kubeconfig"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", env)
	for _, tc := range []struct {
		path, wantHost, wantErr string
	}{
		{path: explicit, wantHost: "https://explicit.example:6443"},
		{path: "", wantHost: "https://env.example:6443"},
		{path: bad, wantErr: "kubeconfig " + bad},
		{path: filepath.Join(dir, "missing"), wantErr: "missing"},
	} {
		cfg, err := kube.LoadConfig(tc.path)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("LoadConfig(%q): %v, want error with %q", tc.path, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("LoadConfig(%q): %v", tc.path, err)
			continue
		}
		if cfg.Host != tc.wantHost || cfg.BearerToken != "secret-token-value" || cfg.Timeout == 0 {
			t.Errorf("LoadConfig(%q): host %q token set %v timeout %v", tc.path, cfg.Host, cfg.BearerToken != "", cfg.Timeout)
		}
	}
}

// setup creates a namespace holding what deploy/kubernetes holds for the
// controller's API access (its ServiceAccount, Role and RoleBinding, and
// the pod-reader ClusterRole and its binding, renamed per namespace) and
// the scanner Deployment, all decoded from the manifests, plus a second
// Deployment the Role does not name. It returns the admin clientset and a
// clientset authenticated as the controller's service account.
func setup(t *testing.T) (ns string, admin, sa kubernetes.Interface, leaseCfg func() lease.Options) {
	t.Helper()
	adminCfg, cs := kubetest.Admin(t)
	ns = kubetest.Namespace(t, cs, "sf-kube")
	ctx := context.Background()
	for _, file := range []string{"10-rbac.yaml", "40-scanner.yaml"} {
		for _, obj := range kubetest.ManifestObjects(t, file) {
			var err error
			switch o := obj.(type) {
			case *corev1.ServiceAccount:
				o.Namespace = ns
				_, err = cs.CoreV1().ServiceAccounts(ns).Create(ctx, o, metav1.CreateOptions{})
			case *rbacv1.Role:
				o.Namespace = ns
				_, err = cs.RbacV1().Roles(ns).Create(ctx, o, metav1.CreateOptions{})
			case *rbacv1.RoleBinding:
				o.Namespace = ns
				for i := range o.Subjects {
					o.Subjects[i].Namespace = ns
				}
				_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, o, metav1.CreateOptions{})
			case *rbacv1.ClusterRole:
				// Cluster-scoped: named after the test's namespace so
				// that parallel and repeated runs do not collide.
				o.Name += "-" + ns
				_, err = cs.RbacV1().ClusterRoles().Create(ctx, o, metav1.CreateOptions{})
				name := o.Name
				t.Cleanup(func() {
					_ = cs.RbacV1().ClusterRoles().Delete(context.Background(), name, metav1.DeleteOptions{})
				})
			case *rbacv1.ClusterRoleBinding:
				o.Name += "-" + ns
				o.RoleRef.Name += "-" + ns
				for i := range o.Subjects {
					o.Subjects[i].Namespace = ns
				}
				_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, o, metav1.CreateOptions{})
				name := o.Name
				t.Cleanup(func() {
					_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), name, metav1.DeleteOptions{})
				})
			case *appsv1.Deployment:
				o.Namespace = ns
				_, err = cs.AppsV1().Deployments(ns).Create(ctx, o, metav1.CreateOptions{})
				if err == nil {
					other := o.DeepCopy()
					other.Name = "other-app"
					_, err = cs.AppsV1().Deployments(ns).Create(ctx, other, metav1.CreateOptions{})
				}
			default:
				t.Fatalf("%s: unexpected %T", file, obj)
			}
			if err != nil {
				t.Fatalf("%s: create %T: %v", file, obj, err)
			}
		}
	}
	saCfg := kubetest.ServiceAccountConfig(t, adminCfg, cs, ns, "scanfleet-controller")
	saCS, err := kubernetes.NewForConfig(saCfg)
	if err != nil {
		t.Fatal(err)
	}
	// RBAC bindings take effect through the authorizer's informer cache:
	// wait until the account may read the scale.
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := saCS.AppsV1().Deployments(ns).GetScale(ctx, "scanfleet-scanner", metav1.GetOptions{})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("service account cannot read the scale: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	leaseCfg = func() lease.Options {
		return lease.Options{Config: saCfg, Namespace: ns, Name: "scanfleet-controller",
			LeaseDuration: 3 * time.Second, RenewDeadline: 2 * time.Second, RetryPeriod: 200 * time.Millisecond}
	}
	return ns, cs, saCS, leaseCfg
}

func specReplicas(t *testing.T, cs kubernetes.Interface, ns, name string) int {
	t.Helper()
	d, err := cs.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Spec.Replicas == nil {
		t.Fatalf("deployment %s/%s has no spec.replicas", ns, name)
	}
	return int(*d.Spec.Replicas)
}

// TestDeploymentScalerWithAutoscaler lets the real decision engine drive
// the scanner Deployment of deploy/kubernetes through the controller's
// service account, at chosen instants (Step's clock), and reads the stored
// spec.replicas back from the Deployment object itself.
func TestDeploymentScalerWithAutoscaler(t *testing.T) {
	ns, admin, sa, _ := setup(t)
	ctx := context.Background()
	scaler, err := kube.NewDeploymentScaler(sa, ns, "scanfleet-scanner")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := scaler.Replicas(ctx); err != nil || n != 2 {
		t.Fatalf("Replicas of the manifest's deployment = %d, %v; want 2 (the manifest's replicas)", n, err)
	}
	tasks := 0
	as, err := autoscale.New(autoscale.Config{Strategy: autoscale.Delayed, MinScannerPods: 1, MaxScannerPods: 4}, autoscale.Options{
		Scaler:    scaler,
		TaskCount: func(context.Context) (int, error) { return tasks, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		name  string
		at    time.Duration
		tasks int
		want  int
	}{
		// Delayed: one more scanner after the queue was busy for > 90 s,
		// measured again from each scale-up.
		{"busy window opens", 0, 7, 2},
		{"busy 60s", 60 * time.Second, 7, 2},
		{"busy 91s: up", 91 * time.Second, 7, 3},
		{"91s+60s: window restarted", 151 * time.Second, 7, 3},
		{"91s+91s: up", 182 * time.Second, 7, 4},
		{"at max", 400 * time.Second, 7, 4},
		// Idle > 180 s: one fewer, down to min.
		{"idle window opens", 500 * time.Second, 0, 4},
		{"idle 120s", 620 * time.Second, 0, 4},
		{"idle 181s: down", 681 * time.Second, 0, 3},
		{"idle 181s again: down", 862 * time.Second, 0, 2},
		{"idle 181s again: down to min", 1043 * time.Second, 0, 1},
		{"at min", 1500 * time.Second, 0, 1},
	}
	for _, s := range steps {
		tasks = s.tasks
		if err := as.Step(ctx, t0.Add(s.at)); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := specReplicas(t, admin, ns, "scanfleet-scanner"); got != s.want {
			t.Fatalf("%s: spec.replicas = %d, want %d", s.name, got, s.want)
		}
	}

	// Immediate: one more scanner at every busy observation, up to max.
	cfg := as.Config()
	cfg.Strategy = autoscale.Immediate
	if err := as.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(time.Hour)
	tasks = 2
	for i, want := range []int{2, 3, 4, 4} {
		if err := as.Step(ctx, t1.Add(time.Duration(i)*5*time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := specReplicas(t, admin, ns, "scanfleet-scanner"); got != want {
			t.Fatalf("immediate step %d: spec.replicas = %d, want %d", i, got, want)
		}
	}
	// The other Deployment was never touched.
	if got := specReplicas(t, admin, ns, "other-app"); got != 2 {
		t.Fatalf("other-app replicas = %d, want 2", got)
	}
}

// TestExternalRevertDisablesAutoscaling: something else (here the test, as
// an operator or a GitOps tool would) keeps setting the replicas back; the
// engine notices each change through spec.replicas and, at the third,
// disables itself with an event and stops scaling.
func TestExternalRevertDisablesAutoscaling(t *testing.T) {
	ns, admin, sa, _ := setup(t)
	ctx := context.Background()
	scaler, err := kube.NewDeploymentScaler(sa, ns, "scanfleet-scanner")
	if err != nil {
		t.Fatal(err)
	}
	as, err := autoscale.New(autoscale.Config{Strategy: autoscale.Immediate, MinScannerPods: 1, MaxScannerPods: 6}, autoscale.Options{
		Scaler:    scaler,
		TaskCount: func(context.Context) (int, error) { return 5, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	revert := func(n int) {
		patch := fmt.Appendf(nil, `{"spec":{"replicas":%d}}`, n)
		if _, err := admin.AppsV1().Deployments(ns).Patch(ctx, "scanfleet-scanner", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	step := func() {
		now = now.Add(5 * time.Second)
		if err := as.Step(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	step() // 2 -> 3
	if got := specReplicas(t, admin, ns, "scanfleet-scanner"); got != 3 {
		t.Fatalf("after the first step: %d, want 3", got)
	}
	for i := range 3 {
		revert(2)
		step()
		want := 3 // seen the change, adopted 2, scaled to 3 again
		if i == 2 {
			want = 2 // third change: gave up, left the operator's value
		}
		if got := specReplicas(t, admin, ns, "scanfleet-scanner"); got != want {
			t.Fatalf("after revert %d: spec.replicas = %d, want %d", i+1, got, want)
		}
	}
	if st := as.Config().Strategy; st != autoscale.Disabled {
		t.Fatalf("strategy after three reverts = %s, want disabled", st)
	}
	var changes, disabled int
	for _, ev := range as.Events() {
		switch ev.Kind {
		case autoscale.ExternalChange:
			changes++
			if ev.From != 3 || ev.To != 2 {
				t.Errorf("external change event %+v, want 3 -> 2", ev)
			}
		case autoscale.AutoDisabled:
			disabled++
		}
	}
	if changes != 3 || disabled != 1 {
		t.Fatalf("events: %d external changes, %d auto-disabled; want 3 and 1: %+v", changes, disabled, as.Events())
	}
	for range 3 {
		step()
	}
	if got := specReplicas(t, admin, ns, "scanfleet-scanner"); got != 2 {
		t.Fatalf("disabled auto-scaler changed replicas to %d", got)
	}
}

// TestControllerRoleIsNarrow: the RBAC of deploy/kubernetes/10-rbac.yaml
// lets the controller scale the scanner Deployment, hold its Lease and
// read Pods (for --watch-pods), and nothing else.
func TestControllerRoleIsNarrow(t *testing.T) {
	ns, _, sa, leaseOpts := setup(t)
	ctx := context.Background()
	forbidden := []struct {
		what string
		call func() error
	}{
		{"list secrets", func() error {
			_, err := sa.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{})
			return err
		}},
		{"list secrets cluster-wide", func() error {
			_, err := sa.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
			return err
		}},
		{"create a pod", func() error {
			_, err := sa.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "not-allowed"},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
			}, metav1.CreateOptions{})
			return err
		}},
		{"delete pods", func() error {
			return sa.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		}},
		{"get the scanner deployment itself", func() error {
			_, err := sa.AppsV1().Deployments(ns).Get(ctx, "scanfleet-scanner", metav1.GetOptions{})
			return err
		}},
		{"scale another deployment", func() error {
			s, err := kube.NewDeploymentScaler(sa, ns, "other-app")
			if err != nil {
				return err
			}
			return s.Scale(ctx, 5)
		}},
		{"read another lease", func() error {
			_, err := sa.CoordinationV1().Leases(ns).Get(ctx, "kube-controller-manager", metav1.GetOptions{})
			return err
		}},
		{"delete the scanner deployment", func() error {
			return sa.AppsV1().Deployments(ns).Delete(ctx, "scanfleet-scanner", metav1.DeleteOptions{})
		}},
	}
	for _, f := range forbidden {
		if err := f.call(); !apierrors.IsForbidden(err) {
			t.Errorf("%s: %v, want Forbidden", f.what, err)
		}
	}
	// Allowed: reading Pods cluster-wide for --watch-pods (the
	// ClusterRole scanfleet-pod-reader: get, list, watch and nothing else),
	// scaling the scanner Deployment (the error names the fix when not)
	// and the Lease.
	if _, err := sa.CoreV1().Pods("").List(ctx, metav1.ListOptions{Limit: 1}); err != nil {
		t.Errorf("list pods cluster-wide (--watch-pods): %v", err)
	}
	scaler, err := kube.NewDeploymentScaler(sa, ns, "scanfleet-scanner")
	if err != nil {
		t.Fatal(err)
	}
	if err := scaler.Scale(ctx, 3); err != nil {
		t.Fatalf("scale: %v", err)
	}
	if n, err := scaler.Replicas(ctx); err != nil || n != 3 {
		t.Fatalf("replicas %d, %v; want 3", n, err)
	}
	opts := leaseOpts()
	opts.Identity = "controller-a"
	el, err := lease.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- el.Run(lctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for !el.IsLeader() {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("the controller's account did not acquire its Lease")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Explain forbidden errors.
	other, err := kube.NewDeploymentScaler(sa, ns, "other-app")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Replicas(ctx); err == nil || !strings.Contains(err.Error(), "deployments/scale") {
		t.Fatalf("forbidden scale error %v does not point at the Role", err)
	}
}
