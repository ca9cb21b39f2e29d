package store

import (
	"context"
	"fmt"
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

const runningCols = `pod_uid, container, container_kind, namespace, pod, workload_kind, workload, image, registry, repository, tag, digest, seen_at`

func scanRunning(r rowScanner) (RunningContainer, error) {
	var (
		c    RunningContainer
		seen int64
	)
	err := r.Scan(&c.PodUID, &c.Container, &c.ContainerKind, &c.Namespace, &c.Pod, &c.WorkloadKind, &c.Workload, &c.Image,
		&c.Registry, &c.Repository, &c.Tag, &c.Digest, &seen)
	c.SeenAt = fromNanos(seen)
	return c, err
}

func (s *db) PutPod(ctx context.Context, uid string, cs []RunningContainer) error {
	if err := checkText("pod uid", uid); err != nil {
		return err
	}
	for _, c := range cs {
		if err := checkText("container name", c.Container); err != nil {
			return fmt.Errorf("pod %s/%s: %w", c.Namespace, c.Pod, err)
		}
	}
	err := s.withTx(ctx, func(t *tx) error {
		if _, err := t.exec(`DELETE FROM running_containers WHERE pod_uid = ?`, uid); err != nil {
			return err
		}
		for _, c := range cs {
			if _, err := t.exec(`INSERT INTO running_containers(`+runningCols+`) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				uid, c.Container, cleanText(c.ContainerKind), cleanText(c.Namespace), cleanText(c.Pod), cleanText(c.WorkloadKind),
				cleanText(c.Workload), cleanText(c.Image), cleanText(c.Registry), cleanText(c.Repository), cleanText(c.Tag),
				cleanText(c.Digest), nanos(c.SeenAt)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("recording pod %s: %w", uid, err)
	}
	return nil
}

func (s *db) DeletePod(ctx context.Context, uid string) error {
	if _, err := s.exec(ctx, `DELETE FROM running_containers WHERE pod_uid = ?`, cleanText(uid)); err != nil {
		return fmt.Errorf("forgetting pod %s: %w", uid, err)
	}
	return nil
}

func (s *db) PruneRunning(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.affected(ctx, `DELETE FROM running_containers WHERE seen_at < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("pruning running containers: %w", err)
	}
	return n, nil
}

// runningOrder is the listing's order; (pod_uid, container) is the key.
const runningOrder = `namespace, workload_kind, workload, pod, pod_uid, container`

func (s *db) listRunning(ctx context.Context, q, tail string, args ...any) ([]RunningContainer, error) {
	out := []RunningContainer{}
	err := s.eachRow(ctx, func(r rowScanner) error {
		c, err := scanRunning(r)
		if err == nil {
			out = append(out, c)
		}
		return err
	}, q+` ORDER BY `+runningOrder+tail, args...)
	return out, err
}

func (s *db) ListRunning(ctx context.Context, f RunningFilter) ([]RunningContainer, error) {
	q := `SELECT ` + runningCols + ` FROM running_containers WHERE 1=1`
	var args []any
	if f.Namespace != "" {
		q += ` AND namespace = ?`
		args = append(args, cleanText(f.Namespace))
	}
	if f.Digest != "" {
		q += ` AND digest = ?`
		args = append(args, cleanText(f.Digest))
	}
	if a := f.After; a != nil {
		// A row-value comparison in the listing's order (SQLite 3.15+,
		// PostgreSQL), as ListImages pages.
		q += ` AND (` + runningOrder + `) > (?, ?, ?, ?, ?, ?)`
		args = append(args, cleanText(a.Namespace), cleanText(a.WorkloadKind), cleanText(a.Workload), cleanText(a.Pod), cleanText(a.PodUID), cleanText(a.Container))
	}
	tail := ""
	switch {
	case f.Limit < 0:
		return nil, fmt.Errorf("%w: listing running containers: limit %d is negative", ErrInvalid, f.Limit)
	case f.Limit > 0:
		tail = ` LIMIT ?`
		args = append(args, f.Limit)
	}
	out, err := s.listRunning(ctx, q, tail, args...)
	if err != nil {
		return nil, fmt.Errorf("listing running containers: %w", err)
	}
	return out, nil
}

func (s *db) RunningWithVuln(ctx context.Context, ids ...string) ([]RunningContainer, error) {
	if len(ids) == 0 {
		return []RunningContainer{}, nil
	}
	out, err := s.listRunning(ctx, `SELECT `+runningCols+` FROM running_containers WHERE digest <> '' AND digest IN
		(SELECT digest FROM image_vulns WHERE vuln_id IN `+in(len(ids))+`)`, "", anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("running containers with %v: %w", ids, err)
	}
	return out, nil
}
