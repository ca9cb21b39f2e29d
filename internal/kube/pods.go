package kube

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/store"
)

// PodSink records what a PodWatcher sees (store.Workloads is one).
type PodSink interface {
	PutPod(ctx context.Context, uid string, cs []store.RunningContainer) error
	DeletePod(ctx context.Context, uid string) error
	PruneRunning(ctx context.Context, before time.Time) (int64, error)
}

// PodWatcher records the containers of every running Pod through a
// client-go informer (list and watch pods: read-only RBAC), so the
// controller knows which image digests run where. Pods that finished
// (Succeeded, Failed) or were deleted are forgotten.
type PodWatcher struct {
	Client kubernetes.Interface
	Sink   PodSink
	Log    *slog.Logger
	// Namespace limits the watch ("" = all namespaces).
	Namespace string
	// Resync re-delivers every Pod this often, refreshing the records
	// and retrying any a failed write missed (default 10m).
	Resync time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Synced, when set, is called once the informer has listed every
	// Pod and the records of Pods gone meanwhile are pruned.
	Synced func()
}

func (w *PodWatcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Run watches until ctx ends.
func (w *PodWatcher) Run(ctx context.Context) error {
	if w.Client == nil || w.Sink == nil {
		return errors.New("kube: pod watcher needs a client and a sink")
	}
	log := w.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	resync := w.Resync
	if resync <= 0 {
		resync = 10 * time.Minute
	}
	factory := informers.NewSharedInformerFactoryWithOptions(w.Client, resync, informers.WithNamespace(w.Namespace))
	inf := factory.Core().V1().Pods().Informer()
	start := w.now()
	record := func(obj any) {
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			return
		}
		var err error
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			err = w.Sink.DeletePod(ctx, string(pod.UID))
		} else {
			err = w.Sink.PutPod(ctx, string(pod.UID), PodContainers(pod, w.now()))
		}
		if err != nil && ctx.Err() == nil {
			// The next resync delivers the Pod again.
			log.Warn("recording pod", "namespace", pod.Namespace, "pod", pod.Name, "err", err)
		}
	}
	_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    record,
		UpdateFunc: func(_, obj any) { record(obj) },
		DeleteFunc: func(obj any) {
			if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = d.Obj
			}
			if pod, ok := obj.(*corev1.Pod); ok {
				if err := w.Sink.DeletePod(ctx, string(pod.UID)); err != nil && ctx.Err() == nil {
					log.Warn("forgetting pod", "namespace", pod.Namespace, "pod", pod.Name, "err", err)
				}
			}
		},
	})
	if err != nil {
		return fmt.Errorf("kube: pod informer: %w", err)
	}
	factory.Start(ctx.Done())
	defer factory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		return fmt.Errorf("kube: pod informer did not sync: %w", ctx.Err())
	}
	// Every Pod that exists was recorded since start: older records are
	// of Pods deleted while no watcher ran. Only a watch of all
	// namespaces may prune (a namespaced one does not see the others).
	if w.Namespace == "" {
		if n, err := w.Sink.PruneRunning(ctx, start); err != nil {
			log.Warn("pruning pods gone while not watching", "err", err)
		} else if n > 0 {
			log.Info("forgot containers of pods gone while not watching", "containers", n)
		}
	}
	if w.Synced != nil {
		w.Synced()
	}
	<-ctx.Done()
	return ctx.Err()
}

// PodContainers is what a Pod runs: every init, regular and ephemeral
// container, its image parsed as admission parses it, the digest from its
// status (the kubelet's imageID) or else its spec, and the workload that
// owns the Pod.
func PodContainers(pod *corev1.Pod, seen time.Time) []store.RunningContainer {
	kind, name := Workload(pod)
	digests := map[string]string{}
	for _, list := range [][]corev1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses, pod.Status.EphemeralContainerStatuses} {
		for _, st := range list {
			if _, d, ok := strings.Cut(st.ImageID, "@"); ok && strings.HasPrefix(d, "sha256:") {
				digests[st.Name] = d
			}
		}
	}
	var out []store.RunningContainer
	add := func(ctrName, image, ctrKind string) {
		c := store.RunningContainer{PodUID: string(pod.UID), Namespace: pod.Namespace, Pod: pod.Name, WorkloadKind: kind, Workload: name,
			Container: ctrName, ContainerKind: ctrKind, Image: image, Digest: digests[ctrName], SeenAt: seen}
		if ref, err := admission.ParseRef(image); err == nil {
			c.Registry, c.Repository, c.Tag = ref.Registry, ref.Repository, ref.Tag
			if c.Digest == "" {
				c.Digest = ref.Digest
			}
		}
		out = append(out, c)
	}
	for _, c := range pod.Spec.InitContainers {
		add(c.Name, c.Image, "init")
	}
	for _, c := range pod.Spec.Containers {
		add(c.Name, c.Image, "container")
	}
	for _, c := range pod.Spec.EphemeralContainers {
		add(c.Name, c.Image, "ephemeral")
	}
	return out
}

// Workload names what owns a Pod: its controller (a ReplicaSet made by a
// Deployment is named as that Deployment: its name less the
// pod-template-hash), or the Pod itself.
func Workload(pod *corev1.Pod) (kind, name string) {
	for _, o := range pod.OwnerReferences {
		if o.Controller == nil || !*o.Controller {
			continue
		}
		if o.Kind == "ReplicaSet" {
			if h := pod.Labels["pod-template-hash"]; h != "" && strings.HasSuffix(o.Name, "-"+h) {
				return "Deployment", strings.TrimSuffix(o.Name, "-"+h)
			}
		}
		return o.Kind, o.Name
	}
	return "Pod", pod.Name
}
