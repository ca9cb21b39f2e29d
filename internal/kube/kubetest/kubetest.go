// Package kubetest gives tests a real Kubernetes API server (the one
// scripts/ci/start-kube.sh starts, announced by SCANFLEET_TEST_KUBECONFIG):
// admin clients, throw-away namespaces, service-account clients with
// TokenRequest tokens, and the objects of deploy/kubernetes.
package kubetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/scanfleet/scanfleet/internal/kube"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// Admin returns the admin (system:masters) configuration and a clientset,
// or skips the test when no API server is announced.
func Admin(t testing.TB) (*rest.Config, kubernetes.Interface) {
	t.Helper()
	path := testutil.Service(t, "SCANFLEET_TEST_KUBECONFIG")
	cfg, err := kube.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, cs
}

// Namespace creates a namespace named prefix-RANDOM and deletes it when the
// test ends. Without a controller-manager the namespace then stays
// Terminating, which is harmless: names never repeat.
func Namespace(t testing.TB, cs kubernetes.Interface, prefix string) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := prefix + "-" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cs.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

// ServiceAccountConfig returns a configuration that authenticates as the
// service account ns/sa with a token from the TokenRequest API, as a pod's
// projected token would.
func ServiceAccountConfig(t testing.TB, admin *rest.Config, cs kubernetes.Interface, ns, sa string) *rest.Config {
	t.Helper()
	exp := int64(600)
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(context.Background(), sa,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for %s/%s: %v", ns, sa, err)
	}
	cfg := rest.AnonymousClientConfig(admin)
	cfg.BearerToken = tr.Status.Token
	cfg.Timeout = 30 * time.Second
	return cfg
}

// ManifestObjects decodes the Kubernetes objects of one multi-document
// YAML file of deploy/kubernetes (file is relative to that directory).
func ManifestObjects(t testing.TB, file string) []runtime.Object {
	t.Helper()
	path := filepath.Join(testutil.ModuleRoot(t), "deploy", "kubernetes", file)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var objs []runtime.Object
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(doc, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		objs = append(objs, obj)
	}
	return objs
}

func stripComments(doc []byte) []byte {
	var out [][]byte
	for _, l := range bytes.Split(doc, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			out = append(out, l)
		}
	}
	return bytes.Join(out, []byte("\n"))
}
