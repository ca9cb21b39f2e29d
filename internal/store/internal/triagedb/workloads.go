package triagedb

import (
	"context"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

const runningCols = `pod_uid, container, container_kind, namespace, pod, workload_kind, workload, image, registry, repository, tag, digest, seen_at`

func scanRunning(r sqlcore.RowScanner) (model.RunningContainer, error) {
	var (
		c    model.RunningContainer
		seen int64
	)
	err := r.Scan(&c.PodUID, &c.Container, &c.ContainerKind, &c.Namespace, &c.Pod, &c.WorkloadKind, &c.Workload, &c.Image,
		&c.Registry, &c.Repository, &c.Tag, &c.Digest, &seen)
	c.SeenAt = sqlcore.FromNanos(seen)
	return c, err
}

func (s *Workloads) PutPod(ctx context.Context, uid string, cs []model.RunningContainer) error {
	if err := sqlcore.CheckText("pod uid", uid); err != nil {
		return err
	}
	for _, c := range cs {
		if err := sqlcore.CheckText("container name", c.Container); err != nil {
			return fmt.Errorf("pod %s/%s: %w", c.Namespace, c.Pod, err)
		}
	}
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		if _, err := t.Exec(`DELETE FROM running_containers WHERE pod_uid = ?`, uid); err != nil {
			return err
		}
		for _, c := range cs {
			if _, err := t.Exec(`INSERT INTO running_containers(`+runningCols+`) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				uid, c.Container, sqlcore.CleanText(c.ContainerKind), sqlcore.CleanText(c.Namespace), sqlcore.CleanText(c.Pod), sqlcore.CleanText(c.WorkloadKind),
				sqlcore.CleanText(c.Workload), sqlcore.CleanText(c.Image), sqlcore.CleanText(c.Registry), sqlcore.CleanText(c.Repository), sqlcore.CleanText(c.Tag),
				sqlcore.CleanText(c.Digest), sqlcore.Nanos(c.SeenAt)); err != nil {
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

func (s *Workloads) DeletePod(ctx context.Context, uid string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM running_containers WHERE pod_uid = ?`, sqlcore.CleanText(uid)); err != nil {
		return fmt.Errorf("forgetting pod %s: %w", uid, err)
	}
	return nil
}

func (s *Workloads) PruneRunning(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM running_containers WHERE seen_at < ?`, sqlcore.Nanos(before))
	if err != nil {
		return 0, fmt.Errorf("pruning running containers: %w", err)
	}
	return n, nil
}

// runningOrder is the listing's order; (pod_uid, container) is the key.
const runningOrder = `namespace, workload_kind, workload, pod, pod_uid, container`

func (s *Workloads) listRunning(ctx context.Context, q, tail string, args ...any) ([]model.RunningContainer, error) {
	out := []model.RunningContainer{}
	err := s.db.EachRow(ctx, func(r sqlcore.RowScanner) error {
		c, err := scanRunning(r)
		if err == nil {
			out = append(out, c)
		}
		return err
	}, q+` ORDER BY `+runningOrder+tail, args...)
	return out, err
}

func (s *Workloads) ListRunning(ctx context.Context, f model.RunningFilter) ([]model.RunningContainer, error) {
	q := `SELECT ` + runningCols + ` FROM running_containers WHERE 1=1`
	var args []any
	if f.Namespace != "" {
		q += ` AND namespace = ?`
		args = append(args, sqlcore.CleanText(f.Namespace))
	}
	if f.Digest != "" {
		q += ` AND digest = ?`
		args = append(args, sqlcore.CleanText(f.Digest))
	}
	if a := f.After; a != nil {
		// A row-value comparison in the listing's order (SQLite 3.15+,
		// PostgreSQL), as ListImages pages.
		q += ` AND (` + runningOrder + `) > (?, ?, ?, ?, ?, ?)`
		args = append(args, sqlcore.CleanText(a.Namespace), sqlcore.CleanText(a.WorkloadKind), sqlcore.CleanText(a.Workload), sqlcore.CleanText(a.Pod), sqlcore.CleanText(a.PodUID), sqlcore.CleanText(a.Container))
	}
	tail := ""
	switch {
	case f.Limit < 0:
		return nil, fmt.Errorf("%w: listing running containers: limit %d is negative", model.ErrInvalid, f.Limit)
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

func (s *Workloads) RunningWithVuln(ctx context.Context, ids ...string) ([]model.RunningContainer, error) {
	if len(ids) == 0 {
		return []model.RunningContainer{}, nil
	}
	out, err := s.listRunning(ctx, `SELECT `+runningCols+` FROM running_containers WHERE digest <> '' AND digest IN
		(SELECT digest FROM image_vulns WHERE vuln_id IN `+sqlcore.In(len(ids))+`)`, "", sqlcore.Anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("running containers with %v: %w", ids, err)
	}
	return out, nil
}
