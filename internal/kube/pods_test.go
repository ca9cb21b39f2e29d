package kube_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/scanfleet/scanfleet/internal/kube"
	"github.com/scanfleet/scanfleet/internal/kube/kubetest"
	"github.com/scanfleet/scanfleet/internal/store"
)

const digestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func pod(name string, labels map[string]string, owner *metav1.OwnerReference, containers ...corev1.Container) *corev1.Pod {
	// No controller-manager makes a "default" service account: name the
	// test's own, without a token mount.
	no := false
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: corev1.PodSpec{Containers: containers, ServiceAccountName: "controller", AutomountServiceAccountToken: &no}}
	if owner != nil {
		p.OwnerReferences = []metav1.OwnerReference{*owner}
	}
	return p
}

// waitRunning polls the store until cond holds (bounded: an informer on a
// loaded machine may take seconds).
func waitRunning(t *testing.T, st store.Store, ns string, what string, cond func([]store.RunningContainer) bool) []store.RunningContainer {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got, err := st.ListRunning(context.Background(), store.RunningFilter{Namespace: ns})
		if err != nil {
			t.Fatal(err)
		}
		if cond(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen within 60s; recorded %+v", what, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The informer, with only list/watch on pods (a service account bound to
// that ClusterRole), records the containers of Pods created on the real
// API server, follows an image change and forgets a deleted Pod; a watch
// of all namespaces prunes what was recorded of Pods gone before it
// started.
func TestPodWatcher(t *testing.T) {
	admin, cs := kubetest.Admin(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ns := kubetest.Namespace(t, cs, "pods")

	// Read-only RBAC: get/list/watch pods, nothing else.
	role := "scanfleet-pod-reader-" + ns
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: role},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.RbacV1().ClusterRoles().Delete(context.Background(), role, metav1.DeleteOptions{}) })
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "controller"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: role},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "controller", Namespace: ns}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), role, metav1.DeleteOptions{})
	})
	saClient, err := kubernetes.NewForConfig(kubetest.ServiceAccountConfig(t, admin, cs, ns, "controller"))
	if err != nil {
		t.Fatal(err)
	}

	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A record of a Pod deleted while nothing watched.
	if err := st.PutPod(ctx, "gone-uid", []store.RunningContainer{{PodUID: "gone-uid", Namespace: ns, Pod: "old", Container: "c",
		SeenAt: time.Now().Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}

	yes := true
	rs := &metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5d8f7c9b4", UID: "11111111-2222-3333-4444-555555555555", Controller: &yes}
	web := pod("web-5d8f7c9b4-x2x9z", map[string]string{"pod-template-hash": "5d8f7c9b4"}, rs,
		corev1.Container{Name: "app", Image: "127.0.0.1:5000/team/app@" + digestA},
		corev1.Container{Name: "proxy", Image: "nginx:1.25"})
	web.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox"}}
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, web, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	synced := make(chan struct{})
	w := &kube.PodWatcher{Client: saClient, Sink: st, Synced: func() { close(synced) }}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	select {
	case <-synced:
	case err := <-done:
		t.Fatalf("watcher stopped: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("informer not synced within 60s")
	}

	got := waitRunning(t, st, ns, "the web pod", func(cs []store.RunningContainer) bool { return len(cs) == 3 })
	byName := map[string]store.RunningContainer{}
	for _, c := range got {
		byName[c.Container] = c
	}
	app, proxy, init := byName["app"], byName["proxy"], byName["init"]
	if app.WorkloadKind != "Deployment" || app.Workload != "web" || app.Digest != digestA || app.Registry != "127.0.0.1:5000" ||
		app.Repository != "team/app" {
		t.Errorf("app container %+v", app)
	}
	if proxy.Registry != "docker.io" || proxy.Repository != "library/nginx" || proxy.Tag != "1.25" || proxy.Digest != "" {
		t.Errorf("proxy container %+v", proxy)
	}
	if init.ContainerKind != "init" || init.Tag != "latest" {
		t.Errorf("init container %+v", init)
	}

	// A bare Pod, then an image change (the one field of a running
	// container's spec that may change), then deletion.
	bare := pod("debug", nil, nil, corev1.Container{Name: "sh", Image: "alpine:3.20"})
	created, err := cs.CoreV1().Pods(ns).Create(ctx, bare, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitRunning(t, st, ns, "the bare pod", func(cs []store.RunningContainer) bool {
		for _, c := range cs {
			if c.Pod == "debug" && c.WorkloadKind == "Pod" && c.Workload == "debug" && c.Tag == "3.20" {
				return true
			}
		}
		return false
	})
	created.Spec.Containers[0].Image = "alpine:3.21"
	if _, err := cs.CoreV1().Pods(ns).Update(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitRunning(t, st, ns, "the image change", func(cs []store.RunningContainer) bool {
		for _, c := range cs {
			if c.Pod == "debug" {
				return c.Tag == "3.21"
			}
		}
		return false
	})
	if err := cs.CoreV1().Pods(ns).Delete(ctx, "debug", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// Without a kubelet a deleted Pod is gone at once (no grace period
	// runs: nothing was started).
	waitRunning(t, st, ns, "the deletion", func(cs []store.RunningContainer) bool {
		for _, c := range cs {
			if c.Pod == "debug" || c.PodUID == "gone-uid" {
				return false
			}
		}
		return len(cs) == 3
	})
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("watcher ended with %v", err)
	}
}
