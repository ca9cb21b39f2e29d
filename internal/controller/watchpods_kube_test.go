package controller

import (
	"context"
	"fmt"
	"net/http"
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
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/kube/kubetest"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// shippedPodReader creates what deploy/kubernetes/10-rbac.yaml gives the
// controller for --watch-pods (its namespace, service account,
// ClusterRole and binding; kept, as the deploy tests keep them) and
// returns a kubeconfig file authenticating as that service account, so
// the controller runs with exactly the shipped rights.
func shippedPodReader(t *testing.T, admin *rest.Config, cs kubernetes.Interface) string {
	t.Helper()
	ctx := context.Background()
	ignoreExists := func(what string, err error) {
		t.Helper()
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "scanfleet"}}, metav1.CreateOptions{})
	ignoreExists("namespace scanfleet", err)
	var sa string
	for _, obj := range kubetest.ManifestObjects(t, "10-rbac.yaml") {
		switch o := obj.(type) {
		case *corev1.ServiceAccount:
			if o.Name == "scanfleet-controller" {
				_, err := cs.CoreV1().ServiceAccounts(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
				ignoreExists("service account", err)
				sa = o.Name
			}
		case *rbacv1.ClusterRole:
			if _, err := cs.RbacV1().ClusterRoles().Create(ctx, o, metav1.CreateOptions{}); apierrors.IsAlreadyExists(err) {
				cur, gerr := cs.RbacV1().ClusterRoles().Get(ctx, o.Name, metav1.GetOptions{})
				if gerr != nil {
					t.Fatal(gerr)
				}
				cur.Rules = o.Rules
				_, err = cs.RbacV1().ClusterRoles().Update(ctx, cur, metav1.UpdateOptions{})
				ignoreExists("cluster role", err)
			} else {
				ignoreExists("cluster role", err)
			}
		case *rbacv1.ClusterRoleBinding:
			_, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, o, metav1.CreateOptions{})
			ignoreExists("cluster role binding", err)
		}
	}
	if sa == "" {
		t.Fatal("10-rbac.yaml has no scanfleet-controller service account")
	}
	cfg := kubetest.ServiceAccountConfig(t, admin, cs, "scanfleet", sa)
	ca := cfg.TLSClientConfig.CAData
	if len(ca) == 0 && cfg.TLSClientConfig.CAFile != "" {
		if ca, err = os.ReadFile(cfg.TLSClientConfig.CAFile); err != nil {
			t.Fatal(err)
		}
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: ca, InsecureSkipTLSVerify: cfg.TLSClientConfig.Insecure}
	kc.AuthInfos[sa] = &clientcmdapi.AuthInfo{Token: cfg.BearerToken}
	kc.Contexts[sa] = &clientcmdapi.Context{Cluster: "test", AuthInfo: sa}
	kc.CurrentContext = sa
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWatchPodsEndToEnd runs the real scanfleet-controller binary with
// --watch-pods as the shipped RBAC allows (a service account bound to the
// manifests' pod-reader ClusterRole) against the real kube-apiserver,
// and a real scanner process. A Deployment's Pod (made by hand: there is
// no controller-manager or kubelet; its status, with the imageID a
// kubelet reports, set through the status subresource) runs an image of
// the real test registry that nothing ever scanned or crawled. The
// leader queues it at push priority, the scanner scans it against a real
// Alpine secdb database, and GET /api/v1/workloads?cve= answers with the
// Deployment; deleting the Pod removes it from the running set (#20).
func TestWatchPodsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; waits for the leader's one-minute pass")
	}
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	admin, cs := kubetest.Admin(t)
	kubeconfig := shippedPodReader(t, admin, cs)
	ctx := context.Background()

	// An image nobody scanned: a repository of its own.
	repo := "watchpods-" + randomHex(4) + "/alpine"
	img := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	imagetest.Push(t, img, host+"/"+repo+":3.20.3")
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	digest := d.String()
	// CVE-2024-9143 is one of the answers for Alpine 3.20.3's openssl
	// against the secdb subset (answers/alpine-3.20.3-secdb-subset.tsv).
	const cve = "CVE-2024-9143"
	dbPath := filepath.Join(t.TempDir(), "vuln.db")
	if _, err := vulndbbuild.Build(ctx, dbPath, []string{testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")}, vulndbbuild.BuildOptions{}); err != nil {
		t.Fatal(err)
	}

	bin := buildScanfleet(t)
	data := filepath.Join(t.TempDir(), "data")
	p := &ctlProcess{token: fleettest.Token(t, bin, data, "admin", "--name", "e2e-admin"), logs: &testutil.SyncBuffer{}}
	scannerTok := fleettest.Token(t, bin, data, "scanner", "--name", "e2e-scanner")
	p.Controller = fleettest.StartController(t, bin, data, "127.0.0.1:0", p.logs, "--log-level", "debug", "--db", dbPath,
		"--watch-pods", "--kubeconfig", kubeconfig, "--leader-elect", "none")
	// The registry, limited to the test's repository; no crawl is asked
	// for, so only the running Pod can queue the image.
	if code := p.post(t, "/api/v1/registries", api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + host, Filters: []string{repo + ":*"}}}); code != http.StatusCreated {
		t.Fatalf("add registry: %d; logs:\n%s", code, p.logs)
	}
	fleettest.StartScanner(t, bin, p.Base, scannerTok, "e2e", p.logs, "--log-level", "debug", "--concurrency", "1", "--db", dbPath)

	// The workload: a Deployment and the Pod its ReplicaSet would make.
	ns := kubetest.Namespace(t, cs, "sf-watch")
	no, yes := false, true
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "app"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	image := host + "/" + repo + ":3.20.3"
	labels := map[string]string{"app": "web"}
	podSpec := corev1.PodSpec{ServiceAccountName: "app", AutomountServiceAccountToken: &no, Containers: []corev1.Container{{Name: "app", Image: image}}}
	one := int32(1)
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: podSpec}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	const hash = "5d8f7c9b4"
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-" + hash + "-x2x9z", Labels: map[string]string{"app": "web", "pod-template-hash": hash},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-" + hash,
			UID: "11111111-2222-3333-4444-555555555555", Controller: &yes}}}, Spec: podSpec}
	created, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Status = corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{
		Name: "app", Image: image, ImageID: host + "/" + repo + "@" + digest, Ready: true,
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}}}}}
	if _, err := cs.CoreV1().Pods(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	// Queued by the leader's pass over running images (every minute),
	// scanned, and found by CVE.
	workloads := func(query string) []api.RunningWorkload {
		t.Helper()
		var out []api.RunningWorkload
		if code := p.get(t, "/api/v1/workloads?"+query, &out); code != http.StatusOK {
			t.Fatalf("GET /api/v1/workloads?%s: %d; logs:\n%s", query, code, p.logs)
		}
		return out
	}
	var found api.RunningWorkload
	waitLogged(t, 4*time.Minute, p.logs, "the running Deployment listed under "+cve, func() bool {
		for _, w := range workloads("cve=" + cve) {
			if w.Namespace == ns && w.Workload == "web" && w.WorkloadKind == "Deployment" && w.Digest == digest && w.Scanned {
				found = w
				return true
			}
		}
		return false
	})
	if found.Container != "app" || found.Registry != host || found.Repository != repo || found.Vulnerabilities == 0 {
		t.Errorf("workload %+v", found)
	}
	var done []api.TaskView
	if code := p.get(t, "/api/v1/tasks?state=done", &done); code != http.StatusOK {
		t.Fatalf("tasks: %d", code)
	}
	var ours []api.TaskView
	for _, tv := range done {
		if tv.Repository == repo {
			ours = append(ours, tv)
		}
	}
	if len(ours) != 1 || ours[0].Priority != int(queue.PriorityOnPush) || !strings.HasSuffix(ours[0].Reference, "@"+digest) {
		t.Errorf("tasks of %s: %+v; want one, at push priority %d, of the running digest", repo, ours, queue.PriorityOnPush)
	}
	if nope := workloads("cve=CVE-1999-0001&namespace=" + ns); len(nope) != 0 {
		t.Errorf("a CVE the image lacks lists %d workloads", len(nope))
	}

	// Deleting the Pod (no kubelet: it is gone at once) takes it out of
	// the running set.
	if err := cs.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitLogged(t, 60*time.Second, p.logs, "the deleted Pod forgotten", func() bool { return len(workloads("namespace="+ns)) == 0 })
	if left := workloads("cve=" + cve); containsNamespace(left, ns) {
		t.Errorf("the deleted Pod still listed under %s", cve)
	}
}

func containsNamespace(ws []api.RunningWorkload, ns string) bool {
	for _, w := range ws {
		if w.Namespace == ns {
			return true
		}
	}
	return false
}

// waitLogged polls cond every 200 ms until it holds or limit passes (a
// generous bound for a loaded machine; no timing is asserted).
func waitLogged(t *testing.T, limit time.Duration, logs fmt.Stringer, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s; logs:\n%s", what, limit, tail(logs.String(), 8000))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
