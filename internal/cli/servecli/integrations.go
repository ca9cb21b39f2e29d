package servecli

import (
	"context"
	"log/slog"
	"time"

	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/crawl/provider"
	"github.com/scanfleet/scanfleet/internal/leader"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Cloud is what the controller takes from the clouds' libraries:
// short-lived registry credentials for the ecr, gar and acr kinds and the
// listings that need an SDK (ECR). Package cloudcreds implements it; like
// Kubernetes it is handed in by cmd/scanfleet-controller so that the
// scanner binary does not link the AWS and Google libraries.
type Cloud interface {
	crawl.CredentialSource
	// Lister returns r's repository lister when only an SDK can list it,
	// else nil.
	Lister(ctx context.Context, r crawl.Registry) (provider.Lister, error)
}

// Kubernetes is what the controller command takes from Kubernetes: the
// scanner Deployment's scaler, the Lease election and the AdmissionReview
// codec (package kube implements it). It is handed in by the entry point
// rather than imported, because client-go and the Kubernetes API types
// cost every process that links them about 13 MB of resident memory:
// cmd/scanfleet-controller links them, cmd/scanfleet (the scanner) does
// not.
type Kubernetes interface {
	InCluster() bool
	InClusterNamespace() string
	DeploymentScaler(kubeconfig, ref string) (autoscale.Scaler, error)
	LeaseElector(kubeconfig, namespace, name, identity string, duration time.Duration, log *slog.Logger) (leader.Elector, error)
	Reviews() controller.ReviewCodec
	// PodWatcher records the cluster's running containers (issue #20).
	PodWatcher(kubeconfig string, log *slog.Logger) (func(context.Context, store.Workloads) error, error)
}
