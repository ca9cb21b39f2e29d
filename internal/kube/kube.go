// Package kube connects Scanfleet to the Kubernetes API: it loads a client
// configuration (in-cluster, or a kubeconfig file) and provides
// DeploymentScaler, the autoscale.Scaler that sets a scanner Deployment's
// replica count.
//
// The scaler goes through the Deployment's "scale" subresource only, never
// the Deployment object itself, so the controller's RBAC Role can be as
// narrow as "get/update/patch deployments/scale of one named Deployment"
// (deploy/kubernetes/rbac.yaml). Replicas reports spec.replicas, the desired
// count as last applied by anyone, rather than the ready pods, so that the
// auto-scaler sees an operator's (or a GitOps tool's) change at once and its
// revert detection works.
package kube

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/retry"
)

// serviceAccountDir is where the kubelet mounts a pod's service-account
// token, CA and namespace.
const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// requestTimeout bounds each API request, so a hung apiserver cannot stall
// the auto-scaler loop forever even when the caller's context has no
// deadline.
const requestTimeout = 30 * time.Second

// InCluster reports whether this process runs in a Kubernetes pod with a
// service-account token mounted.
func InCluster() bool {
	if os.Getenv("KUBERNETES_SERVICE_HOST") == "" || os.Getenv("KUBERNETES_SERVICE_PORT") == "" {
		return false
	}
	_, err := os.Stat(serviceAccountDir + "/token")
	return err == nil
}

// InClusterNamespace returns the pod's namespace from its service-account
// mount, or "" outside a cluster.
func InClusterNamespace() string {
	b, err := os.ReadFile(serviceAccountDir + "/namespace")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// LoadConfig returns a client configuration: from the kubeconfig file at
// path when given; else from $KUBECONFIG when set; else the in-cluster
// service account when running in a pod; else ~/.kube/config.
func LoadConfig(path string) (*rest.Config, error) {
	var (
		cfg *rest.Config
		err error
	)
	switch {
	case path != "":
		cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
			&clientcmd.ClientConfigLoadingRules{ExplicitPath: path}, &clientcmd.ConfigOverrides{}).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("kube: kubeconfig %s: %w", path, err)
		}
	case os.Getenv(clientcmd.RecommendedConfigPathEnvVar) == "" && InCluster():
		cfg, err = rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("kube: in-cluster config: %w", err)
		}
	default:
		cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
			clientcmd.NewDefaultClientConfigLoadingRules(), &clientcmd.ConfigOverrides{}).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("kube: no in-cluster service account and no usable kubeconfig ($KUBECONFIG or ~/.kube/config): %w", err)
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = requestTimeout
	}
	cfg.UserAgent = "scanfleet"
	return cfg, nil
}

// NewClient loads the configuration as LoadConfig does and returns a
// clientset for it.
func NewClient(kubeconfig string) (kubernetes.Interface, error) {
	cfg, err := LoadConfig(kubeconfig)
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube: client: %w", err)
	}
	return cs, nil
}

// ParseObjectRef parses "namespace/name" as given to --kube-deployment. Both
// parts must be valid Kubernetes names (a namespace is a DNS label, a
// Deployment name a DNS subdomain).
func ParseObjectRef(s string) (namespace, name string, err error) {
	ns, n, ok := strings.Cut(s, "/")
	if !ok {
		return "", "", fmt.Errorf("kube: %q: want NAMESPACE/NAME", s)
	}
	if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
		return "", "", fmt.Errorf("kube: %q: namespace %q: %s", s, ns, strings.Join(errs, "; "))
	}
	if errs := validation.IsDNS1123Subdomain(n); len(errs) > 0 {
		return "", "", fmt.Errorf("kube: %q: name %q: %s", s, n, strings.Join(errs, "; "))
	}
	return ns, n, nil
}

// DeploymentScaler is an autoscale.Scaler for one Deployment, through its
// scale subresource.
type DeploymentScaler struct {
	client    kubernetes.Interface
	namespace string
	name      string
}

// NewDeploymentScaler returns a scaler of the Deployment namespace/name. It
// does not contact the API server; the first Replicas call does.
func NewDeploymentScaler(client kubernetes.Interface, namespace, name string) (*DeploymentScaler, error) {
	if client == nil {
		return nil, errors.New("kube: NewDeploymentScaler: nil client")
	}
	if _, _, err := ParseObjectRef(namespace + "/" + name); err != nil {
		return nil, err
	}
	return &DeploymentScaler{client: client, namespace: namespace, name: name}, nil
}

// String names the Deployment, for logs.
func (d *DeploymentScaler) String() string { return "deployment " + d.namespace + "/" + d.name }

func (d *DeploymentScaler) getScale(ctx context.Context) (*autoscalingv1.Scale, error) {
	s, err := d.client.AppsV1().Deployments(d.namespace).GetScale(ctx, d.name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("kube: get scale of %s: %w", d, explain(err))
	}
	return s, nil
}

// Replicas returns the Deployment's spec.replicas.
func (d *DeploymentScaler) Replicas(ctx context.Context) (int, error) {
	s, err := d.getScale(ctx)
	if err != nil {
		return 0, err
	}
	return int(s.Spec.Replicas), nil
}

// Scale sets spec.replicas to n. The update carries the resourceVersion it
// read, so a concurrent change is never silently overwritten: on a
// conflict the scale is read again and retried.
func (d *DeploymentScaler) Scale(ctx context.Context, n int) error {
	if n < 0 || n > 1<<20 {
		return fmt.Errorf("kube: scale %s to %d: out of range", d, n)
	}
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		s, err := d.getScale(ctx)
		if err != nil {
			return err
		}
		if int(s.Spec.Replicas) == n {
			return nil
		}
		s.Spec.Replicas = int32(n)
		if _, err := d.client.AppsV1().Deployments(d.namespace).UpdateScale(ctx, d.name, s, metav1.UpdateOptions{FieldManager: "scanfleet-autoscaler"}); err != nil {
			if apierrors.IsConflict(err) {
				return err // retried with a fresh read
			}
			return fmt.Errorf("kube: update scale of %s to %d: %w", d, n, explain(err))
		}
		return nil
	})
	if apierrors.IsConflict(err) {
		return fmt.Errorf("kube: update scale of %s to %d: still conflicting after retries: %w", d, n, err)
	}
	return err
}

// explain adds the likely fix to the API errors an operator will meet.
func explain(err error) error {
	switch {
	case apierrors.IsForbidden(err):
		return fmt.Errorf("%w (the controller's service account needs get/update on deployments/scale: see deploy/kubernetes/rbac.yaml)", err)
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%w (is --kube-deployment right?)", err)
	}
	return err
}
