package model

import (
	"context"
	"time"
)

// RunningContainer is one container of a Pod as the cluster's API
// server shows it (issue #20, "what is running where").
type RunningContainer struct {
	PodUID        string `json:"pod_uid"`
	Namespace     string `json:"namespace"`
	Pod           string `json:"pod"`
	WorkloadKind  string `json:"workload_kind"` // Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ...
	Workload      string `json:"workload"`
	Container     string `json:"container"`
	ContainerKind string `json:"container_kind"` // container, init, ephemeral
	// Image is as written in the Pod spec; Registry (host), Repository
	// and Tag are its normalised parts.
	Image      string `json:"image"`
	Registry   string `json:"registry"`
	Repository string `json:"repository"`
	Tag        string `json:"tag,omitempty"`
	// Digest is what runs: from the container's status (the kubelet's
	// imageID), else the spec's digest; "" when neither says (then a
	// reader resolves Tag as admission does).
	Digest string    `json:"digest,omitempty"`
	SeenAt time.Time `json:"seen_at"`
}

// RunningFilter selects running containers; zero fields match everything.
type RunningFilter struct {
	Namespace, Digest string
	// Limit, when positive, cuts the listing after that many rows.
	Limit int
	// After, when set, lists only the rows after it in the listing's
	// order (a keyset page: the next page starts after the last row of
	// the previous one, so Pods recorded or forgotten meanwhile neither
	// shift nor repeat the rows of other pages).
	After *RunningContainer
}

// Workloads are the running containers the controllers' Pod informers
// record.
type Workloads interface {
	// PutPod replaces the containers recorded for Pod uid.
	PutPod(ctx context.Context, uid string, cs []RunningContainer) error
	DeletePod(ctx context.Context, uid string) error
	// PruneRunning forgets Pods not seen since before (deleted while no
	// watcher ran); a watcher calls it after its informer synced.
	PruneRunning(ctx context.Context, before time.Time) (int64, error)
	// ListRunning lists by namespace, workload kind, workload, pod, pod
	// uid and container (a unique order, so keyset pages are exact).
	ListRunning(ctx context.Context, f RunningFilter) ([]RunningContainer, error)
	// RunningWithVuln lists the containers whose digest has a counted
	// finding (or alias) whose ID is one of ids.
	RunningWithVuln(ctx context.Context, ids ...string) ([]RunningContainer, error)
}
