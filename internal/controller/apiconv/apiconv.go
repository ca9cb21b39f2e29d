// Package apiconv turns the store's types into the API's wire types
// (package api), which the handlers answer with. The two are separate so
// that a change to a stored struct does not silently change what clients
// read: a field the API should show is copied here by name, and
// TestWireMatchesStore fails when one is dropped.
package apiconv

import (
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Role converts a stored role.
func Role(r store.Role) api.Role { return api.Role(r) }

// StoreRole converts a role from a request.
func StoreRole(r api.Role) store.Role { return store.Role(r) }

// Scanner converts a stored scanner.
func Scanner(s store.Scanner) api.Scanner {
	return api.Scanner{
		ID: s.ID, Name: s.Name, Concurrency: s.Concurrency, DBDigest: s.DBDigest, Version: s.Version,
		State: s.State, RegisteredAt: s.RegisteredAt, LastSeen: s.LastSeen, Done: s.Done, Failed: s.Failed,
		CurrentTasks: s.CurrentTasks, CurrentImages: s.CurrentImages,
	}
}

// ImageSummary converts a stored image summary (its Fingerprint is not
// shown).
func ImageSummary(im store.ImageSummary) api.ImageSummary {
	return api.ImageSummary{
		Registry: im.Registry, Repository: im.Repository, Tag: im.Tag, Digest: im.Digest,
		Reference: im.Reference, DBDigest: im.DBDigest, ScannedAt: im.ScannedAt, ScannedBy: im.ScannedBy,
		Scans: im.Scans, Packages: im.Packages, Vulnerabilities: im.Vulnerabilities, Severities: im.Severities,
		Coverage: im.Coverage, NotCovered: im.NotCovered, Tags: im.Tags, GoneAt: im.GoneAt,
		IndexDigest: im.IndexDigest, Platform: im.Platform,
	}
}

// ImageChanges converts a stored change record.
func ImageChanges(c store.ImageChanges) api.ImageChanges {
	return api.ImageChanges{
		Registry: c.Registry, Repository: c.Repository, Digest: c.Digest, DBBefore: c.DBBefore,
		DBAfter: c.DBAfter, ChangedAt: c.ChangedAt, New: c.New, Fixed: c.Fixed,
		EnteredKEV: c.EnteredKEV, Reranked: c.Reranked,
	}
}

// HostSummary converts a stored host summary.
func HostSummary(h store.HostSummary) api.HostSummary {
	return api.HostSummary{
		Name: h.Name, Hostname: h.Hostname, Kernel: h.Kernel, Root: h.Root, OS: h.OS,
		DBDigest: h.DBDigest, ScannedAt: h.ScannedAt, ScannedBy: h.ScannedBy, Scans: h.Scans,
		Packages: h.Packages, Vulnerabilities: h.Vulnerabilities, Severities: h.Severities,
	}
}

// Decision converts a logged admission decision.
func Decision(d store.Decision) api.Decision {
	return api.Decision{
		ID: d.ID, At: d.At, UID: d.UID, Kind: d.Kind, Namespace: d.Namespace, Name: d.Name,
		Operation: d.Operation, User: d.User, DryRun: d.DryRun, Allowed: d.Allowed, Result: d.Result,
		Mode: d.Mode, Message: d.Message, Images: Slice(d.Images, ImageDecision),
	}
}

// ImageDecision converts one image's verdict.
func ImageDecision(d store.ImageDecision) api.ImageDecision {
	return api.ImageDecision{
		Container: d.Container, ContainerKind: d.ContainerKind, Image: d.Image, Resolved: d.Resolved,
		Digest: d.Digest, Scanned: d.Scanned, ScannedAt: d.ScannedAt, Verdict: d.Verdict,
	}
}

// Token converts a stored token (which holds no secret).
func Token(t store.Token) api.Token {
	return api.Token{
		ID: t.ID, Name: t.Name, Role: Role(t.Role), CreatedAt: t.CreatedAt, CreatedBy: t.CreatedBy,
		ExpiresAt: t.ExpiresAt, LastUsed: t.LastUsed, Revoked: t.Revoked, RevokedAt: t.RevokedAt,
		RevokedBy: t.RevokedBy,
	}
}

// AuditEntry converts an audit log entry.
func AuditEntry(e store.AuditEntry) api.AuditEntry {
	return api.AuditEntry{
		ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Kind: e.Kind, Object: e.Object,
		Before: e.Before, After: e.After,
	}
}

// Delivery converts a delivery (its body is not shown).
func Delivery(d store.Delivery) api.Delivery {
	return api.Delivery{
		ID: d.ID, Subscription: d.Subscription, EventID: d.EventID, Kind: d.Kind, State: d.State,
		Attempts: d.Attempts, NextAt: d.NextAt, LastStatus: d.LastStatus, LastError: d.LastError,
		CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt,
	}
}

// Subscription converts a subscription: never its sealed secret, only
// whether it has one.
func Subscription(s store.Subscription) api.Subscription {
	return api.Subscription{
		ID: s.ID, Name: s.Name, URL: s.URL, Format: s.Format, MinSeverity: s.MinSeverity,
		Events: s.Events, Enabled: s.Enabled, Author: s.Author, Created: s.Created,
		SecretSet: len(s.SecretSealed) > 0,
	}
}

// RunningContainer converts a running container.
func RunningContainer(c store.RunningContainer) api.RunningContainer {
	return api.RunningContainer{
		PodUID: c.PodUID, Namespace: c.Namespace, Pod: c.Pod, WorkloadKind: c.WorkloadKind,
		Workload: c.Workload, Container: c.Container, ContainerKind: c.ContainerKind, Image: c.Image,
		Registry: c.Registry, Repository: c.Repository, Tag: c.Tag, Digest: c.Digest, SeenAt: c.SeenAt,
	}
}

// Slice converts each element with f. A nil slice stays nil (JSON null)
// and an empty one empty ([]), as the store's slice encoded.
func Slice[S, A any](in []S, f func(S) A) []A {
	if in == nil {
		return nil
	}
	out := make([]A, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
