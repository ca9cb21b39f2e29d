package controller

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/reporttest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// testCA makes a CA and a serving certificate for 127.0.0.1 signed by it,
// as an operator would for the webhook; it returns the CA's PEM (the
// webhook configuration's caBundle) and the server certificate.
func testCA(t *testing.T) ([]byte, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "scanfleet test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "scanfleet-controller"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// warnings collects the API server's warning headers (monitor mode's
// "would be denied").
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.list
	w.list = nil
	return l
}

// deleteNamespace removes what the test created in ns, then ns itself.
// Without a controller-manager nothing empties a deleted namespace or
// removes its "kubernetes" finalizer, so the test does both.
func deleteNamespace(t *testing.T, kc kubernetes.Interface, ns string) {
	ctx := context.Background()
	var errs []error
	errs = append(errs,
		kc.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}),
		kc.AppsV1().Deployments(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}),
		kc.CoreV1().ServiceAccounts(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}),
		kc.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}))
	if n, err := kc.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil {
		n.Spec.Finalizers = nil
		_, err = kc.CoreV1().Namespaces().Finalize(ctx, n, metav1.UpdateOptions{})
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		t.Errorf("cleaning up namespace %s: %v", ns, err)
	}
}

// TestAdmissionKubeAPIServer runs the webhook behind the real
// kube-apiserver: a ValidatingWebhookConfiguration points at the
// controller over TLS, and Pods and Deployments are created through the
// API server, which calls us.
func TestAdmissionKubeAPIServer(t *testing.T) {
	kubeconfig := testutil.Service(t, "SCANFLEET_TEST_KUBECONFIG")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	f := newFixture(t, Config{})
	caPEM, cert := testCA(t)
	srv := httptest.NewUnstartedServer(f.c.Handler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	warn := &warnings{}
	rc.WarningHandler = warn
	kc, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}

	// A namespace of our own, and a webhook scoped to it by label with
	// failurePolicy Ignore: a configuration left behind by a killed run
	// can never block anything else.
	suffix := strings.ToLower(randomHex(4))
	ns := "scanfleet-adm-" + suffix
	if _, err := kc.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns,
		Labels: map[string]string{"scanfleet-admission-test": ns}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteNamespace(t, kc, ns) })
	// No controller-manager runs to create the namespace's default
	// service account, which the ServiceAccount admission plugin requires.
	if _, err := kc.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	url := srv.URL + "/admission"
	ignore := admissionregistrationv1.Ignore
	none := admissionregistrationv1.SideEffectClassNone
	timeout := int32(10)
	whName := "scanfleet-test-" + suffix
	_, err = kc.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: whName},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    "images.scanfleet.test",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caPEM},
			FailurePolicy:           &ignore,
			SideEffects:             &none,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"scanfleet-admission-test": ns}},
			Rules: []admissionregistrationv1.RuleWithOperations{
				{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
					Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}},
				{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
					Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps"}, APIVersions: []string{"v1"}, Resources: []string{"deployments", "statefulsets", "daemonsets", "replicasets"}}},
				{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
					Rule: admissionregistrationv1.Rule{APIGroups: []string{"batch"}, APIVersions: []string{"v1"}, Resources: []string{"jobs", "cronjobs"}}},
			},
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := kc.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), whName, metav1.DeleteOptions{}); err != nil {
			t.Errorf("deleting the webhook configuration %s: %v", whName, err)
		}
	})

	// The image a pipeline scanned and pushed; no kubelet runs, so it is
	// never pulled.
	rep := reporttest.Alpine(t)
	vulnImage := "127.0.0.1:5000/team/app:1.2"
	if code, body := f.submit(t, f.scanner, rep, vulnImage); code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	cve := alpineAnswerCVEs(t)[0]
	rule := admission.Rule{Name: "no-known-cve", Action: admission.Deny, Criteria: admission.Criteria{CVEs: []string{cve}}}
	if code, body := f.do(t, "POST", "/api/v1/admission/rules", f.admin, mustJSON(t, rule)); code != 201 {
		t.Fatalf("rule: %d %s", code, body)
	}
	setMode := func(mode string) {
		t.Helper()
		if code, body := f.do(t, "PUT", "/api/v1/admission/settings", f.admin, []byte(`{"mode":"`+mode+`"}`)); code != 200 {
			t.Fatalf("settings: %d %s", code, body)
		}
	}
	setMode("protect")

	newPod := func(name, image string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}}}
	}
	// The API server loads webhook configurations asynchronously; until
	// ours is active the Ignore policy lets everything through. Probe with
	// dry-run creates (nothing stored) until the webhook answers.
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := kc.CoreV1().Pods(ns).Create(ctx, newPod("probe", vulnImage), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil && strings.Contains(err.Error(), "scanfleet admission") {
			break
		}
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("probe: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the API server never called the webhook")
		}
		time.Sleep(200 * time.Millisecond)
	}
	warn.take()

	// Protect: the vulnerable image is refused with a message naming the
	// image and the rule; an image never scanned is allowed (default).
	_, err = kc.CoreV1().Pods(ns).Create(ctx, newPod("vulnerable", vulnImage), metav1.CreateOptions{})
	var se *apierrors.StatusError
	if !errors.As(err, &se) || se.Status().Code != http.StatusForbidden {
		t.Fatalf("protect: creating a pod with %s: %v, want 403", vulnImage, err)
	}
	for _, want := range []string{`admission webhook "images.scanfleet.test" denied the request`, `image "` + vulnImage + `"`, `denied by rule "no-known-cve"`, cve} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("denial %q lacks %q", err.Error(), want)
		}
	}
	if _, err := kc.CoreV1().Pods(ns).Get(ctx, "vulnerable", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the refused pod exists: %v", err)
	}
	if _, err := kc.CoreV1().Pods(ns).Create(ctx, newPod("unscanned", "127.0.0.1:5000/team/app:9.9"), metav1.CreateOptions{}); err != nil {
		t.Errorf("protect: an unscanned image (no-result default allow) was refused: %v", err)
	}
	replicas := int32(1)
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns}, Spec: appsv1.DeploymentSpec{
		Replicas: &replicas,
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: vulnImage}}}},
	}}
	if _, err := kc.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err == nil || !strings.Contains(err.Error(), `denied by rule "no-known-cve"`) {
		t.Errorf("protect: deployment with %s: %v", vulnImage, err)
	}

	// Monitor: the same pod is stored, with a warning saying what
	// protect would do.
	setMode("monitor")
	warn.take()
	if _, err := kc.CoreV1().Pods(ns).Create(ctx, newPod("vulnerable", vulnImage), metav1.CreateOptions{}); err != nil {
		t.Fatalf("monitor: creating a pod with %s: %v", vulnImage, err)
	}
	ws := strings.Join(warn.take(), "\n")
	if !strings.Contains(ws, "monitor mode") || !strings.Contains(ws, `denied by rule "no-known-cve"`) {
		t.Errorf("monitor: warnings %q", ws)
	}
	if _, err := kc.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Errorf("monitor: deployment: %v", err)
	}

	// Protect again: managing what already runs (here relabelling the pod
	// admitted in monitor mode) is not refused, since the update brings
	// no new image; the API server sends the old object for us to compare.
	setMode("protect")
	p, err := kc.CoreV1().Pods(ns).Get(ctx, "vulnerable", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Labels = map[string]string{"relabelled": "yes"}
	if _, err := kc.CoreV1().Pods(ns).Update(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Errorf("protect: relabelling a running pod: %v", err)
	}

	// Every decision is in the log, under the API server's request UIDs.
	code, body := f.do(t, "GET", "/api/v1/admission/decisions?namespace="+ns+"&limit=1000", f.reader, nil)
	if code != 200 {
		t.Fatalf("decisions: %d %s", code, body)
	}
	text := string(body)
	for _, want := range []string{`"result":"denied"`, `"result":"would_deny"`, `"result":"allowed"`, `"kind":"Deployment"`, `"name":"vulnerable"`} {
		if !strings.Contains(text, want) {
			t.Errorf("decision log lacks %s", want)
		}
	}
}
