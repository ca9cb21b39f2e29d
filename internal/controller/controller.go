// Package controller is the fleet's control plane: it keeps the registries
// to watch, crawls them into a durable task queue (one task per image
// digest), leases tasks to scanner processes over a small JSON/HTTP
// protocol, keeps every layer analysis the fleet has produced so that no
// scanner analyses a shared base layer twice, and stores and serves the
// results.
//
// Design:
//
//   - State lives in the control-plane store (package store): by default
//     one SQLite file (state.db) in the data directory, with the queue
//     (package queue) a second SQLite file beside it, so one controller
//     needs no other service; with --store-postgres (and a PostgreSQL
//     queue) several controllers share everything and any of them serves
//     any request. Registry passwords and tokens are sealed with
//     AES-256-GCM under keys kept in files outside the database
//     (secret.key, or --secret-key-file given to every replica), are never
//     returned by the API (it says "password_set") and never logged; they
//     leave the controller only inside a lease response, to the scanner
//     that holds that image's task.
//   - A task's dedup key is "registry/repo@digest|db-digest": the queue
//     refuses a second queued/leased task with the same key, and a crawl
//     skips an image already scanned with the current database, so an
//     unchanged image under an unchanged database is never rescanned.
//   - Scanners are pull-based: they register, lease up to their free
//     capacity, heartbeat the tasks they hold and post a report or an
//     error. A scanner silent for longer than ScannerTimeout is marked gone
//     and queue.ReleaseWorker returns its tasks; a lease that simply
//     expires is retaken by the queue itself. Both paths count an attempt,
//     so a poison image ends up failed instead of killing scanners forever.
//   - The layer store (GET/PUT /api/v1/layers/{key}) is keyed like
//     layer.Cache (analyzers version + diff ID). Scanners consult it before
//     opening a layer, so a known layer's blob is never downloaded.
//   - Auth is bearer tokens (random 256-bit, stored as SHA-256) with three
//     roles: admin (everything), scanner (the scanner protocol and the
//     layer store, which is why it may receive credentials) and reader
//     (GET only).
package controller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/controller/admissionhook"
	"github.com/scanfleet/scanfleet/internal/controller/autoscaling"
	"github.com/scanfleet/scanfleet/internal/controller/consoleview"
	"github.com/scanfleet/scanfleet/internal/controller/crawler"
	"github.com/scanfleet/scanfleet/internal/controller/leadership"
	"github.com/scanfleet/scanfleet/internal/controller/protocol"
	"github.com/scanfleet/scanfleet/internal/controller/rematch"
	"github.com/scanfleet/scanfleet/internal/controller/submit"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/leader"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/politeness"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/store/keyring"
	"github.com/scanfleet/scanfleet/internal/triage"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// stateFile is the SQLite control-plane store, in the data directory.
const stateFile = "state.db"

// keyFile is the default sealing key file, in the data directory.
const keyFile = "secret.key"

// Role is what a token may do (CreateToken's argument). A scanner token
// may run the scanner protocol (and so receives registry credentials for
// its tasks) but not manage registries; a submitter may only send
// standalone results (a build pipeline's token, which must not be able to
// lease tasks and so learn registry credentials) and read; a reader may
// only read.
type Role = api.Role

// The roles.
const (
	RoleAdmin     = api.RoleAdmin
	RoleScanner   = api.RoleScanner
	RoleSubmitter = api.RoleSubmitter
	RoleReader    = api.RoleReader
)

// DefaultScannerTimeout is how long a scanner may stay silent before it is
// declared gone and its tasks go back to the queue: with heartbeats every
// quarter of it (2 s) three may be lost in a row, and a SIGKILLed
// scanner's tasks come back within 9 s.
const DefaultScannerTimeout = 8 * time.Second

// queueFile is the task queue's SQLite database, in the data directory.
const queueFile = "queue.db"

// FileConfig is the --config file (YAML or JSON, which YAML reads too).
type FileConfig struct {
	Registries []api.RegistryInput `yaml:"registries"`
	// Autoscaler sets the auto-scaler (used only when the controller has
	// a Scaler); it wins over Config.Autoscale.
	Autoscaler *autoscale.Config `yaml:"autoscaler"`
	// Admission sets the admission control mode, no-result action and
	// rules (created or replaced at start; see admission.go).
	Admission *admission.Policy `yaml:"admission"`
}

// LoadConfigFile reads a controller config file.
func LoadConfigFile(path string) (*FileConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	fc, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return fc, nil
}

// maxConfigSize bounds a config file: it lists registries, not images.
const maxConfigSize = 4 << 20

// ParseConfig parses and validates a config file's contents.
func ParseConfig(b []byte) (*FileConfig, error) {
	if len(b) > maxConfigSize {
		return nil, fmt.Errorf("config is %d bytes, over the %d limit", len(b), maxConfigSize)
	}
	var fc FileConfig
	if err := yaml.Unmarshal(b, &fc); err != nil {
		return nil, fmt.Errorf("parsing: %w", err)
	}
	seen := map[string]bool{}
	for i, r := range fc.Registries {
		if err := validateRegistry(r); err != nil {
			return nil, fmt.Errorf("registry %d: %w", i+1, err)
		}
		if seen[r.Name] {
			return nil, fmt.Errorf("registry %d: name %q used twice", i+1, r.Name)
		}
		seen[r.Name] = true
	}
	if fc.Admission != nil {
		if err := fc.Admission.Validate(); err != nil {
			return nil, fmt.Errorf("admission: %w", err)
		}
	}
	if fc.Autoscaler != nil {
		if fc.Autoscaler.Strategy == "" {
			fc.Autoscaler.Strategy = autoscale.Delayed
		}
		st, err := autoscale.ParseStrategy(string(fc.Autoscaler.Strategy))
		if err != nil {
			return nil, fmt.Errorf("autoscaler: %w", err)
		}
		fc.Autoscaler.Strategy = st
		if err := fc.Autoscaler.Validate(); err != nil {
			return nil, err
		}
	}
	return &fc, nil
}

// Config configures a Controller.
type Config struct {
	// DataDir holds state.db, queue.db and secret.key; created if missing.
	// It may be empty when nothing is kept there (Diskless).
	DataDir string
	// StoreDSN, when set, puts the control-plane store in this PostgreSQL
	// database instead of state.db in DataDir, so that several
	// controllers are one control plane (any of them serves any
	// request). Give every replica the same SecretKeyFiles.
	StoreDSN string
	// Cloud gives short-lived credentials for registries of kind ecr,
	// gar and acr and lists ECR; nil (the scanfleet binary) makes those
	// kinds fail with a clear error. scanfleet-controller hands in
	// package cloudcreds.
	Cloud Cloud
	// SecretKeyFiles are the keys sealing registry credentials, newest
	// first (older ones only open; see docs/store.md for rotation). Empty
	// means DataDir/secret.key, created on first start: right for one
	// controller, wrong for replicas, which must share the files.
	SecretKeyFiles []string
	// CrawlStale is how long a crawl's runner may miss heartbeats before
	// another controller takes the crawl over (default 30s). Runners
	// heartbeat every sixth of it.
	CrawlStale time.Duration
	// Identity names this controller as a crawl runner; default the
	// elector's identity, else the host name with a random suffix.
	Identity string
	// DBPath is the vulnerability database whose digest qualifies task
	// keys (so a new database makes images scannable again); optional.
	DBPath string
	// File, when set, is applied at start (registries created or updated).
	File *FileConfig
	// LeaseDuration is a task lease (default 2m); scanners heartbeat well
	// within it.
	LeaseDuration time.Duration
	// ScannerTimeout declares a silent scanner gone (default
	// DefaultScannerTimeout). Scanners heartbeat four times within it and
	// the reaper looks every second, so an unannounced death is noticed
	// within ScannerTimeout plus a second.
	ScannerTimeout time.Duration
	// DBCheckInterval is how often Run looks for a new vulnerability
	// database and re-matches stored inventories against it (default 1m).
	DBCheckInterval time.Duration
	// Scaler, when set, runs scanners and Run drives it with an
	// autoscale.AutoScaler configured by Autoscale (strategy "" means
	// delayed) or the config file's autoscaler section.
	Scaler    autoscale.Scaler
	Autoscale autoscale.Config
	// AutoscaleOptions tunes the engine (Clock, Interval, windows; tests);
	// its Scaler, TaskCount and IsLeader are set by the controller.
	AutoscaleOptions autoscale.Options
	// QueueDSN, when set, puts the task queue in this PostgreSQL database
	// (a pgx connection string; keep controllers apart with search_path)
	// instead of queue.db in DataDir, so several controllers can share it.
	QueueDSN string
	// Elector decides which of several controllers sharing a queue leads:
	// only the leader runs scheduled crawls and the auto-scaler. Run runs
	// it. Nil means this controller is alone and always leads.
	Elector leader.Elector
	// Reviews decodes Kubernetes AdmissionReviews for /admission and
	// encodes the answers (package admission/review); nil answers 501.
	// It is injected rather than imported so that binaries without the
	// Kubernetes integration do not link the Kubernetes API types.
	Reviews ReviewCodec
	// WatchPods, when set, records the cluster's running containers in
	// the store until ctx ends (a client-go Pod informer, from
	// scanfleet-controller's Kubernetes integration); the leader runs it.
	WatchPods func(ctx context.Context, st store.Workloads) error
	// CrawlBatch is how many new tasks a crawl collects before enqueueing
	// them (default 100): long crawls enqueue as they go.
	CrawlBatch int
	// CrawlTransport is the base transport for crawls (tests).
	CrawlTransport http.RoundTripper
	Logger         *slog.Logger

	// wrapQueue, when set, wraps the opened queue: tests interpose on
	// the queue every part of the controller uses.
	wrapQueue func(queue.Queue) queue.Queue
}

// ReviewCodec reads and answers Kubernetes AdmissionReviews (package
// admissionhook).
type ReviewCodec = admissionhook.ReviewCodec

// Controller is the control plane. Create it with New, serve Handler, run
// Run for the background loops, and Close it.
type Controller struct {
	cfg     Config
	log     *slog.Logger
	store   store.Store
	queue   queue.Queue
	keys    *keyring.Keyring
	watcher *vulndb.Watcher
	metrics *metrics
	handler http.Handler
	// console holds the report digests image listings read, and serves
	// the console's views.
	console *consoleview.State
	// admission serves the admission webhook and its rules; submit takes
	// standalone results.
	admission *admissionhook.Hook
	submit    *submit.Handler
	// protocol serves the scanners and the layer store.
	protocol *protocol.Protocol
	// politeness holds the registries' fleet-wide limits and pauses.
	politeness *politeness.Governor
	// rematch re-matches stored inventories after a database update.
	rematch *rematch.Rematcher
	// autoscaler drives Config.Scaler (package autoscaling; disabled
	// without one).
	autoscaler *autoscaling.Service
	// triage applies the fleet exceptions and publishes notification
	// events (package triage); notifier delivers them.
	triage   *triage.Engine
	notifier *notify.Dispatcher

	bg       context.Context // background crawls; cancelled by Close
	bgCancel context.CancelFunc
	wg       sync.WaitGroup

	// leadership runs the election and the leader's work (package
	// leadership).
	leadership *leadership.Leadership
	// reap is the scanner reaper's view of its reach to the store.
	reap reapSight
	// reapOutage logs the reaper's failures as outages (Run's goroutine).
	reapOutage outage
	// crawler requests and runs crawls (package crawler).
	crawler *crawler.Crawler
	// started is when this process opened the store: on SQLite (one
	// controller per file) a crawl running since before it was orphaned
	// by a previous process and is taken over at once.
	started time.Time

	mu sync.Mutex
	// sweptOK are the done tasks the last result sweep found sound, with
	// their update times (durability.go); guarded by mu.
	sweptOK map[string]time.Time
}

// exceptionReconcileInterval is how often the leader checks whether an
// exception expired (or changed elsewhere) and re-evaluates the results.
const exceptionReconcileInterval = 30 * time.Second

// runningScanInterval is how often the leader queues the running images
// (--watch-pods) that have no result.
const runningScanInterval = time.Minute

// enqueueRunning queues a scan of every running image of a configured
// registry that has no result under the current database.
func (c *Controller) enqueueRunning(ctx context.Context) error {
	cs, err := c.store.ListRunning(ctx, store.RunningFilter{})
	if err != nil {
		return err
	}
	n, err := c.crawler.EnqueueRunning(ctx, cs)
	if n > 0 {
		c.log.Info("queued running images never scanned", "tasks", n)
	}
	return err
}

// New opens (creating if needed) the data directory and applies cfg.File.
func New(ctx context.Context, cfg Config) (*Controller, error) {
	if cfg.DataDir == "" && !Diskless(cfg.QueueDSN, cfg.StoreDSN, cfg.SecretKeyFiles) {
		return nil, errors.New("controller: no data directory (one is needed unless the queue and the store are in PostgreSQL and the sealing keys are files)")
	}
	if cfg.LeaseDuration <= 0 {
		cfg.LeaseDuration = 2 * time.Minute
	}
	if cfg.ScannerTimeout <= 0 {
		cfg.ScannerTimeout = DefaultScannerTimeout
	}
	if cfg.CrawlBatch <= 0 {
		cfg.CrawlBatch = 100
	}
	if cfg.DBCheckInterval <= 0 {
		cfg.DBCheckInterval = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.CrawlStale <= 0 {
		cfg.CrawlStale = 30 * time.Second
	}
	if cfg.Identity == "" {
		if cfg.Elector != nil {
			cfg.Identity = cfg.Elector.Identity()
		} else {
			cfg.Identity = leader.DefaultIdentity()
		}
	}
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("controller: data directory: %w", err)
		}
	}
	keys, err := loadKeys(cfg)
	if err != nil {
		return nil, fmt.Errorf("controller: %w", err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("controller: %w", err)
	}
	var q queue.Queue
	if cfg.QueueDSN != "" {
		q, err = queue.OpenPostgres(ctx, cfg.QueueDSN)
	} else {
		q, err = queue.OpenSQLite(ctx, filepath.Join(cfg.DataDir, queueFile))
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("controller: %w", err)
	}
	if cfg.wrapQueue != nil {
		q = cfg.wrapQueue(q)
	}
	c := &Controller{cfg: cfg, log: cfg.Logger, store: st, queue: q, keys: keys, started: time.Now()}
	if cfg.DBPath != "" {
		if c.watcher, err = vulndb.NewWatcher(cfg.DBPath, time.Minute, cfg.Logger); err != nil {
			c.Close()
			return nil, fmt.Errorf("controller: %w", err)
		}
	}
	c.bg, c.bgCancel = context.WithCancel(context.Background())
	c.politeness = politeness.New(st, nil)
	c.metrics = newMetrics(c)
	c.leadership = leadership.New(cfg.Elector, c.lead, c.metrics.reg, cfg.Logger)
	base := cfg.Autoscale
	if cfg.File != nil && cfg.File.Autoscaler != nil {
		base = *cfg.File.Autoscaler
	}
	if c.autoscaler, err = autoscaling.New(ctx, autoscaling.Config{Store: st, Queue: q, Scaler: cfg.Scaler, Base: base,
		Options: cfg.AutoscaleOptions, IsLeader: c.isLeader, Metrics: c.metrics.reg, Logger: cfg.Logger}); err != nil {
		c.Close()
		return nil, fmt.Errorf("controller: %w", err)
	}
	c.triage = &triage.Engine{Store: st, Publisher: &notify.Publisher{Store: st}, Log: cfg.Logger}
	c.notifier = &notify.Dispatcher{Store: st, Secrets: keys, Holder: cfg.Identity + "/" + randomHex(4), Log: cfg.Logger}
	c.admission = admissionhook.New(st, cfg.Reviews, cfg.Logger)
	c.crawler = crawler.New(crawler.Config{Store: st, Queue: q, Identity: cfg.Identity, Stale: cfg.CrawlStale, Batch: cfg.CrawlBatch,
		Transport: cfg.CrawlTransport, Access: c.access, Lister: c.lister, WebhookSecret: c.webhookSecret, DBDigest: c.dbDigest, WaitGroup: &c.wg, Logger: cfg.Logger, Started: c.started})
	c.rematch = rematch.New(st, q, c.watcher, cfg.Logger)
	c.submit = submit.New(st, cfg.Logger, c.metrics.scanDone)
	c.protocol = protocol.New(protocol.Config{Store: st, Queue: q, LeaseDuration: cfg.LeaseDuration, ScannerTimeout: cfg.ScannerTimeout,
		Access: c.access, Politeness: c.politeness, RateLimited: c.metrics.rateLimited, ScanDone: c.metrics.scanDone, LayerLookup: c.metrics.layerLookup, Logger: cfg.Logger})
	c.protocol.SetTriage(c.triage)
	c.rematch.SetTriage(c.triage)
	c.submit.SetTriage(c.triage)
	c.admission.SetTriage(c.triage)
	c.crawler.SetTriage(c.triage)
	c.console = consoleview.New(consoleview.Deps{Store: st, Queue: q, Logger: cfg.Logger, IsLeader: c.isLeader})
	if c.handler, err = c.routes(); err != nil {
		c.Close()
		return nil, fmt.Errorf("controller: %w", err)
	}
	// Not in c.wg: that group tracks crawls, which callers wait for. The
	// loop ends when Close cancels c.bg; a query cut short by the closing
	// database only ends it sooner.
	go c.console.Run(c.bg)
	// Every replica delivers notifications: the outbox leases each
	// delivery to one of them.
	go func() { _ = c.notifier.Run(c.bg) }()
	// Requested crawls are run by whichever controller takes them: this
	// one from now on, with or without Run (crawls.go).
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.crawler.Run(c.bg)
	}()
	if cfg.File != nil {
		for _, r := range cfg.File.Registries {
			if err := c.PutRegistry(ctx, r); err != nil {
				c.Close()
				return nil, fmt.Errorf("controller: %w", err)
			}
		}
		if err := c.admission.Apply(ctx, cfg.File.Admission); err != nil {
			c.Close()
			return nil, fmt.Errorf("controller: %w", err)
		}
	}
	return c, nil
}

// Handler serves the API and /metrics.
func (c *Controller) Handler() http.Handler { return c.handler }

// Close stops background crawls and closes the databases.
func (c *Controller) Close() error {
	if c.bgCancel != nil {
		c.bgCancel()
	}
	c.wg.Wait()
	var errs []error
	if c.watcher != nil {
		errs = append(errs, c.watcher.Close())
	}
	errs = append(errs, c.queue.Close(), c.store.Close())
	return errors.Join(errs...)
}

// Diskless reports whether a controller keeps nothing in a data
// directory: its queue and its store are in PostgreSQL and its sealing
// keys are files given to it. Such a controller needs no --data-dir
// (README, "One site or HA"), which is what lets replicas run without a
// volume of their own.
func Diskless(queueDSN, storeDSN string, keyFiles []string) bool {
	return queueDSN != "" && storeDSN != "" && len(keyFiles) > 0
}

// openStore opens the PostgreSQL store at cfg.StoreDSN, else the SQLite
// one in the data directory (an existing state.db is adopted).
func openStore(ctx context.Context, cfg Config) (store.Store, error) {
	if cfg.StoreDSN != "" {
		return store.OpenPostgres(ctx, cfg.StoreDSN)
	}
	return store.OpenSQLite(ctx, filepath.Join(cfg.DataDir, stateFile))
}

// loadKeys loads the sealing keys: the given files, or the data
// directory's own key, created on first start.
func loadKeys(cfg Config) (*keyring.Keyring, error) {
	if len(cfg.SecretKeyFiles) > 0 {
		return keyring.Load(cfg.SecretKeyFiles...)
	}
	return keyring.LoadOrCreateKey(filepath.Join(cfg.DataDir, keyFile))
}

// CreateToken creates an API token with role in the data directory's
// state and returns it; only its hash is kept.
func CreateToken(ctx context.Context, dataDir string, role Role) (string, error) {
	return CreateTokenIn(ctx, Config{DataDir: dataDir}, role)
}

// CreateTokenIn creates an API token with role, named ROLE-<random>,
// in cfg's store (StoreDSN, else DataDir's state.db) and returns it; only
// its hash is kept. A token created in a shared store works on every
// controller using it.
func CreateTokenIn(ctx context.Context, cfg Config, role Role) (string, error) {
	tok, _, err := CreateNamedToken(ctx, cfg, TokenSpec{Role: role})
	return tok, err
}

// Reseal re-seals every stored registry credential with the newest of
// cfg's sealing keys (cfg.SecretKeyFiles, newest first), in one
// transaction, and returns how many registries changed: step 2 of a key
// rotation (docs/store.md), after which the old key can be dropped.
func Reseal(ctx context.Context, cfg Config) (int, error) {
	keys, err := loadKeys(cfg)
	if err != nil {
		return 0, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	return st.Reseal(ctx, keys)
}

// Run runs the background loops until ctx is done: on every controller
// the dead-scanner reaper (scanners and their heartbeats are in the
// shared store, so any replica judges any scanner alike) and the
// election; on the leader only, scheduled crawls, the result sweep,
// re-matching after a database update and the auto-scaler. Requested
// crawls are run by whichever controller takes them (crawls.go).
func (c *Controller) Run(ctx context.Context) error {
	reap := time.NewTicker(min(max(c.cfg.ScannerTimeout/8, 50*time.Millisecond), time.Second))
	defer reap.Stop()
	// The election runs as long as Run. It starts the leader's loops
	// with a context that is cancelled as soon as leadership is lost.
	electDone := make(chan struct{})
	electCtx, stopElect := context.WithCancel(context.Background())
	go func() {
		defer close(electDone)
		c.leadership.Run(electCtx, ctx)
	}()
	// Deferred first, so run last: the election is left (and a Lease
	// released) only after the auto-scaler loop has stopped.
	defer func() { stopElect(); <-electDone }()
	if c.autoscaler.Enabled() {
		// Run returns only once the auto-scaler loop has stopped.
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.autoscaler.Run(ctx)
		}()
		defer func() { <-done }()
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-reap.C:
			if err := c.reapScanners(ctx); ctx.Err() == nil {
				c.reapOutage.note(c.log, time.Now(), err)
			}
		}
	}
}

// lead runs the work done once per fleet until ctx ends (leadership lost
// or Run returning): scheduled crawls, the sweeps, and re-matching after
// a database update.
func (c *Controller) lead(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	// Re-matching a large store takes a while, so it has a loop of its
	// own and never delays the rest. The first check runs right away:
	// it re-matches what was stored under another database (say, before
	// a restart with a newer file).
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(c.cfg.DBCheckInterval)
		defer t.Stop()
		for {
			c.rematch.Check(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	if c.cfg.WatchPods != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.cfg.WatchPods(ctx, c.store); err != nil && ctx.Err() == nil {
				c.log.Error("watching pods stopped", "err", err)
			}
		}()
		// Images that run but were never scanned are queued first.
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(runningScanInterval)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
				if err := c.enqueueRunning(ctx); err != nil && ctx.Err() == nil {
					c.log.Warn("queueing running images never scanned", "err", err)
				}
			}
		}()
	}
	// Exceptions that expired or changed without their re-evaluation
	// finishing are reconciled by the leader.
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = c.triage.Run(ctx, exceptionReconcileInterval)
	}()
	sched := time.NewTicker(scheduleInterval)
	defer sched.Stop()
	sweep := time.NewTicker(resultSweepInterval)
	defer sweep.Stop()
	c.sweep(ctx)
	c.schedule(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sweep.C:
			c.sweep(ctx)
		case <-sched.C:
			c.schedule(ctx)
		}
	}
}

// scheduleInterval is how often the leader looks for due crawls.
const scheduleInterval = 10 * time.Second

// sweep runs the leader's sweeps, logging a failure (the next tick
// retries): tasks done without a result, lapsed layer claims, finished
// crawls and task ids past the queue's retention.
func (c *Controller) sweep(ctx context.Context) {
	if _, err := c.sweepResults(ctx); err != nil && ctx.Err() == nil {
		c.log.Warn("sweeping for lost results", "err", err)
	}
	now := time.Now()
	if _, err := c.store.ExpireLayerClaims(ctx, now); err != nil && ctx.Err() == nil {
		c.log.Warn("expiring layer claims", "err", err)
	}
	if _, err := c.store.PruneCrawls(ctx, now.Add(-crawlRetention)); err != nil && ctx.Err() == nil {
		c.log.Warn("pruning finished crawls", "err", err)
	}
}

// crawlRetention is how long finished crawls stay listed.
const crawlRetention = 7 * 24 * time.Hour

// reapSight is what the reaper knows of its own reach to the store,
// used only by Run's goroutine (and tests). A scanner's heartbeats go
// through the same database: while a restart or a stall keeps the
// database from answering, every scanner falls silent with it, and
// reaping them all when it answers again would abandon every scan in
// flight and count an attempt against each task (repeated outages would
// fail images that never failed a scan).
type reapSight struct {
	// lastOK is when the reaper's query last returned.
	lastOK time.Time
	// blindUntil: after a gap in the reaper's answers (the database, or
	// this process, stopped), no scanner is reaped before every one has
	// had ScannerTimeout of answering database to heartbeat in.
	blindUntil time.Time
}

// outage turns a failure that repeats on every tick of a loop (the
// reaper's, each second, while the database is down) into three kinds of
// log line: its start with the error, a reminder with its duration at
// most every outageReminder, and its end; a failure a tick fixes is its
// own start and end.
type outage struct {
	since, reminded time.Time // zero: no outage
	failures        int
}

// outageReminder is the least time between two lines about one outage.
const outageReminder = time.Minute

// note records the outcome of one tick at now (err nil: it succeeded).
func (o *outage) note(log *slog.Logger, now time.Time, err error) {
	if err == nil {
		if !o.since.IsZero() {
			log.Info("the scanner reaper reaches the store again", "outage", now.Sub(o.since).Round(time.Millisecond), "failures", o.failures)
			*o = outage{}
		}
		return
	}
	o.failures++
	args := []any{"err", err}
	if cause, ok := web.DatabaseUnavailable(err); ok {
		args = append(args, "cause", cause)
	}
	switch {
	case o.since.IsZero():
		o.since, o.reminded = now, now
		log.Warn("reaping scanners failed; retrying every tick, logging again every minute until the store answers", args...)
	case now.Sub(o.reminded) >= outageReminder:
		o.reminded = now
		log.Warn("reaping scanners still fails", append(args, "for", now.Sub(o.since).Round(time.Second), "failures", o.failures)...)
	}
}

// reapGap is the longest pause between two answers of the reaper's query
// taken for ordinary scheduling (the reaper ticks every ScannerTimeout/8
// at most): a quarter of the timeout, so that a stall just under it plus
// a heartbeat interval (ScannerTimeout/3 at most) stays within the
// timeout.
func reapGap(timeout time.Duration) time.Duration { return timeout / 4 }

// reapScanners marks scanners silent for ScannerTimeout gone and hands
// their tasks back. Heartbeats from any replica land in the shared store,
// so a reaper never takes the tasks of a scanner alive on another. A
// scanner's silence counts only while the store answered: after a gap
// (reapSight) the reaper waits a full ScannerTimeout before reaping.
func (c *Controller) reapScanners(ctx context.Context) error {
	stale, err := c.store.ListScanners(ctx, store.ScannerFilter{State: store.ScannerActive, SeenBefore: time.Now().Add(-c.cfg.ScannerTimeout)})
	if err != nil {
		return fmt.Errorf("listing silent scanners: %w", err)
	}
	now := time.Now()
	if gap := now.Sub(c.reap.lastOK); !c.reap.lastOK.IsZero() && gap > reapGap(c.cfg.ScannerTimeout) {
		c.reap.blindUntil = now.Add(c.cfg.ScannerTimeout)
		c.log.Warn("the store did not answer the scanner reaper for a while (a database restart or stall, or this process paused); no scanner is reaped before it has had the scanner timeout to heartbeat",
			"gap", gap.Round(time.Millisecond), "scanner_timeout", c.cfg.ScannerTimeout)
	}
	c.reap.lastOK = now
	if now.Before(c.reap.blindUntil) {
		return nil
	}
	for _, sc := range stale {
		if err := c.store.SetScannerState(ctx, sc.ID, store.ScannerGone); err != nil {
			return err
		}
		if _, err := c.store.DropLayerClaims(ctx, sc.ID); err != nil {
			return fmt.Errorf("dropping layer claims of scanner %s: %w", sc.ID, err)
		}
		n, err := c.queue.ReleaseWorker(ctx, sc.ID)
		if err != nil {
			return fmt.Errorf("releasing tasks of scanner %s: %w", sc.ID, err)
		}
		c.log.Warn("scanner missed heartbeats; tasks returned to the queue", "scanner", sc.ID, "name", sc.Name, "tasks", n)
	}
	return nil
}

// schedule requests the crawls whose interval has passed, except for
// registries with a crawl pending or running.
func (c *Controller) schedule(ctx context.Context) {
	regs, err := c.store.ListRegistries(ctx)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("scheduling crawls", "err", err)
		}
		return
	}
	live, err := c.store.ListCrawls(ctx, store.CrawlFilter{Live: true})
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("scheduling crawls", "err", err)
		}
		return
	}
	busy := map[string]bool{}
	for _, cr := range live {
		busy[cr.Registry] = true
	}
	now := time.Now()
	for _, r := range regs {
		if r.Interval > 0 && !busy[r.Name] && now.Sub(r.LastCrawl) >= r.Interval {
			if _, err := c.RequestCrawl(ctx, r.Name, queue.PriorityPeriodic, "scheduled"); err != nil && ctx.Err() == nil {
				c.log.Warn("scheduling a crawl", "registry", r.Name, "err", err)
			}
		}
	}
}

func (c *Controller) dbDigest() string {
	if c.watcher == nil {
		return ""
	}
	db, release := c.watcher.Acquire()
	defer release()
	return db.Info().Digest
}

// CheckDB re-matches the stored inventories if the database in service
// changed since the last pass (package rematch); Run's leader loop calls
// it periodically.
func (c *Controller) CheckDB(ctx context.Context) (rematch.RematchStats, error) {
	return c.rematch.CheckDB(ctx)
}

// Rematch re-matches every stored inventory not matched against the
// database in service (package rematch).
func (c *Controller) Rematch(ctx context.Context) (rematch.RematchStats, error) {
	return c.rematch.Rematch(ctx)
}

// RequestCrawl records a crawl request of registry name in the store and
// wakes this controller's crawl runner (package crawler); it reports
// whether a new request was recorded (false: joined a pending one).
func (c *Controller) RequestCrawl(ctx context.Context, name string, prio queue.Priority, reason string) (bool, error) {
	return c.crawler.Request(ctx, name, prio, reason)
}

// Crawl crawls one registry now and enqueues a task per image not yet
// scanned with the current database; it returns how many it enqueued.
func (c *Controller) Crawl(ctx context.Context, name string, prio queue.Priority) (int, error) {
	return c.crawler.Crawl(ctx, name, prio)
}

// isLeader guards the work done once per fleet: scheduled crawls and
// auto-scaling.
func (c *Controller) isLeader() bool { return c.leadership.IsLeader() }

// scheduleIfLeader requests the due periodic crawls, on the leader only:
// followers would only request the same crawls again.
func (c *Controller) scheduleIfLeader(ctx context.Context) {
	if c.isLeader() {
		c.schedule(ctx)
	}
}
