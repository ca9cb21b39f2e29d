// Package triagedb is the part of the store about policy and what acts on
// it: fleet exceptions (Exceptions), the audit log of changes (Audit),
// notification subscriptions and the durable outbox (Notifications), the
// running workloads the Pod informers record (Workloads), and the
// admission rules, settings and decision log (Admission). A report
// re-evaluated against the exceptions is written with resultdb's
// ReplaceVulns, as every report write is. Each concern is its own small
// type over the shared *sqlcore.DB; package store composes them into one
// store.Store.
package triagedb

import "github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"

// Exceptions implements store.Exceptions.
type Exceptions struct{ db *sqlcore.DB }

// Audit implements store.Audit.
type Audit struct{ db *sqlcore.DB }

// Notifications implements store.Notifications.
type Notifications struct{ db *sqlcore.DB }

// Workloads implements store.Workloads.
type Workloads struct{ db *sqlcore.DB }

// Admission implements store.Admission.
type Admission struct{ db *sqlcore.DB }

// NewExceptions returns the exceptions of db.
func NewExceptions(db *sqlcore.DB) *Exceptions { return &Exceptions{db} }

// NewAudit returns the audit log of db.
func NewAudit(db *sqlcore.DB) *Audit { return &Audit{db} }

// NewNotifications returns the subscriptions and outbox of db.
func NewNotifications(db *sqlcore.DB) *Notifications { return &Notifications{db} }

// NewWorkloads returns the running workloads of db.
func NewWorkloads(db *sqlcore.DB) *Workloads { return &Workloads{db} }

// NewAdmission returns the admission state of db.
func NewAdmission(db *sqlcore.DB) *Admission { return &Admission{db} }
