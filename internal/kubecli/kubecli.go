// Package kubecli is the controller command's Kubernetes integration, as
// cli.Kubernetes: package kube's scaler, the Lease election and the
// AdmissionReview codec. Only cmd/scanfleet-controller links it.
package kubecli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/scanfleet/scanfleet/internal/admission/review"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/kube"
	"github.com/scanfleet/scanfleet/internal/leader"
	"github.com/scanfleet/scanfleet/internal/leader/lease"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Integration is everything the controller command takes from Kubernetes:
// the scanner Deployment's scaler, the Lease election and the
// AdmissionReview codec. cmd/scanfleet-controller hands it to the CLI;
// cmd/scanfleet does not, so the scanning commands do not link client-go
// and the Kubernetes API types (docs/benchmarks.md).
type Integration struct{}

// InCluster implements cli.Kubernetes.
func (Integration) InCluster() bool { return kube.InCluster() }

// InClusterNamespace implements cli.Kubernetes.
func (Integration) InClusterNamespace() string { return kube.InClusterNamespace() }

// DeploymentScaler scales the Deployment ref ("NAMESPACE/NAME") reached
// through kubeconfig (see LoadConfig).
func (Integration) DeploymentScaler(kubeconfig, ref string) (autoscale.Scaler, error) {
	ns, name, err := kube.ParseObjectRef(ref)
	if err != nil {
		return nil, err
	}
	rc, err := kube.LoadConfig(kubeconfig)
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	return kube.NewDeploymentScaler(cs, ns, name)
}

// LeaseElector campaigns for the Lease namespace/name through kubeconfig.
func (Integration) LeaseElector(kubeconfig, namespace, name, identity string, duration time.Duration, log *slog.Logger) (leader.Elector, error) {
	rc, err := kube.LoadConfig(kubeconfig)
	if err != nil {
		return nil, err
	}
	return lease.New(lease.Options{Config: rc, Namespace: namespace, Name: name, Identity: identity,
		LeaseDuration: duration, ReleaseOnCancel: true, Logger: log})
}

// Reviews is the AdmissionReview codec.
func (Integration) Reviews() controller.ReviewCodec { return review.Codec{} }

// PodWatcher returns what runs a client-go Pod informer over all
// namespaces reached through kubeconfig, recording the running
// containers in the store (RBAC: list and watch pods, cluster-wide).
func (Integration) PodWatcher(kubeconfig string, log *slog.Logger) (func(context.Context, store.Workloads) error, error) {
	cs, err := kube.NewClient(kubeconfig)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, st store.Workloads) error {
		return (&kube.PodWatcher{Client: cs, Sink: st, Log: log}).Run(ctx)
	}, nil
}
