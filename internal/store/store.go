// Package store is the controller's control-plane state behind one
// interface, with two back ends sharing one SQL text: embedded SQLite (one
// controller, no other service) and PostgreSQL (several controllers, any of
// which serves any request). Everything a controller must agree on with its
// peers lives here: tokens, registries and their sealed credentials,
// scanners, results, the fleet layer store and its claims, hosts, admission
// rules and decisions, settings, durable crawl requests, exceptions, the
// audit log, notifications and running workloads.
//
// The interfaces are small and grouped by concern so that a caller (and a
// test double) names only what it uses; Store is all of them.
//
// Layout. The names callers use are declared in internal/store/model and
// re-exported here as aliases (the same types, not copies). The
// implementation is one small type per concern, each holding the shared
// SQL environment (internal/sqlcore: dialects, pools, transactions,
// prepared statements, migrations), in three packages: internal/fleetdb
// (tokens, registries, scanners, settings, crawls, layers),
// internal/resultdb (results, images, tags, hosts) and internal/triagedb
// (exceptions, audit, notifications, workloads, admission). OpenSQLite and
// OpenPostgres compose them into one Store (open.go). So no type carries
// the whole store's hundred methods and no package its four thousand lines,
// while one conformance suite (this package's tests) covers both back ends.
package store

import "github.com/scanfleet/scanfleet/internal/store/model"

// The store's types: see package model for each one's documentation.
type (
	Store            = model.Store
	Tokens           = model.Tokens
	Registries       = model.Registries
	Scanners         = model.Scanners
	Results          = model.Results
	Layers           = model.Layers
	Hosts            = model.Hosts
	Admission        = model.Admission
	Settings         = model.Settings
	Crawls           = model.Crawls
	Exceptions       = model.Exceptions
	Audit            = model.Audit
	Notifications    = model.Notifications
	Workloads        = model.Workloads
	Resealer         = model.Resealer
	Role             = model.Role
	Token            = model.Token
	Registry         = model.Registry
	Scanner          = model.Scanner
	ScannerFilter    = model.ScannerFilter
	ImageKey         = model.ImageKey
	ImageSummary     = model.ImageSummary
	ImageFilter      = model.ImageFilter
	Result           = model.Result
	ImageChanges     = model.ImageChanges
	Seen             = model.Seen
	GoneCounts       = model.GoneCounts
	StoredImage      = model.StoredImage
	Claim            = model.Claim
	HostSummary      = model.HostSummary
	Decision         = model.Decision
	ImageDecision    = model.ImageDecision
	DecisionFilter   = model.DecisionFilter
	Crawl            = model.Crawl
	CrawlProgress    = model.CrawlProgress
	CrawlFilter      = model.CrawlFilter
	AuditEntry       = model.AuditEntry
	AuditFilter      = model.AuditFilter
	Subscription     = model.Subscription
	Delivery         = model.Delivery
	DeliveryAttempt  = model.DeliveryAttempt
	DeliveryFilter   = model.DeliveryFilter
	RunningContainer = model.RunningContainer
	RunningFilter    = model.RunningFilter
)

// Errors callers branch on (errors.Is); each is wrapped with the object it
// concerns. They are model's values, so either name matches.
var (
	// ErrNotHolder: the caller does not hold the live claim or crawl it
	// tried to act on (it expired and another took it, or never existed).
	ErrNotHolder = model.ErrNotHolder
	// ErrInvalid: an argument cannot be stored (empty key, text with NUL
	// or invalid UTF-8, which PostgreSQL TEXT rejects).
	ErrInvalid = model.ErrInvalid
	// ErrTokenNameTaken: another token (perhaps a revoked one) has the name.
	ErrTokenNameTaken = model.ErrTokenNameTaken
)

// Constants: see package model.
const (
	RoleAdmin          = model.RoleAdmin
	RoleScanner        = model.RoleScanner
	RoleSubmitter      = model.RoleSubmitter
	RoleReader         = model.RoleReader
	ScannerActive      = model.ScannerActive
	ScannerGone        = model.ScannerGone
	ScannerStopped     = model.ScannerStopped
	CrawlRequested     = model.CrawlRequested
	CrawlRunning       = model.CrawlRunning
	CrawlDone          = model.CrawlDone
	CrawlFailed        = model.CrawlFailed
	AuditCreate        = model.AuditCreate
	AuditUpdate        = model.AuditUpdate
	AuditDelete        = model.AuditDelete
	AuditExpire        = model.AuditExpire
	DeliveryPending    = model.DeliveryPending
	DeliveryDelivered  = model.DeliveryDelivered
	DeliveryFailed     = model.DeliveryFailed
	MaxDecisions       = model.MaxDecisions
	MaxAuditList       = model.MaxAuditList
	BootstrapCreator   = model.BootstrapCreator
	TokenTouchInterval = model.TokenTouchInterval
)

// ValidTokenName checks a token's name: 1 to 64 letters, digits, '.',
// '_', '@' or '-', starting with a letter or digit.
func ValidTokenName(name string) error { return model.ValidTokenName(name) }
