// Package servecli is the commands that run the fleet's processes:
// 'scanfleet controller' (and 'controller token create') and 'scanfleet
// scanner', with the controller's Kubernetes and cloud integrations,
// which the entry point hands in (Kubernetes, Cloud) so that the scanner
// binary does not link them.
package servecli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/leader"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// env is what these commands take from the process and the entry point.
type env struct {
	*cmdio.Env
	// kube and cloud are the controller's integrations; nil in the
	// scanfleet binary, which does not link them.
	kube  Kubernetes
	cloud Cloud
}

// ControllerCmd is 'scanfleet controller' (serve) and 'controller token
// create'; k and c may be nil.
func ControllerCmd(io *cmdio.Env, k Kubernetes, c Cloud) *cobra.Command {
	return newControllerCmd(&env{Env: io, kube: k, cloud: c})
}

// ScannerCmd is 'scanfleet scanner'.
func ScannerCmd(io *cmdio.Env) *cobra.Command { return newScannerCmd(&env{Env: io}) }

// NewLocalScaler is the scaler of --local-scanners-max (see
// newLocalScaler), also used by the demo's fleet.
func NewLocalScaler(ctx context.Context, io *cmdio.Env, addr net.Addr, ccfg controller.Config, dbPath, tlsCert string) (*autoscale.LocalScaler, error) {
	return newLocalScaler(ctx, &env{Env: io}, addr, ccfg, dbPath, tlsCert)
}

// newControllerCmd is 'scanfleet controller' (serve) and 'controller token create'.
func newControllerCmd(e *env) *cobra.Command {
	var (
		listen, dataDir, configFile, dbPath, tlsCert, tlsKey string
		lease, scannerTimeout, crawlStale                    time.Duration
		localMin, localMax                                   int
		strategy, queueDSN, storeDSN, bothDSN                string
		keyFiles                                             []string
		kf                                                   kubeFlags
	)
	cmd := &cobra.Command{
		Use:   "controller",
		Short: "Run the fleet controller: registries, crawls, task queue, results API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (tlsCert == "") != (tlsKey == "") {
				return cmdio.Usagef("--tls-cert and --tls-key go together")
			}
			if localMax < 0 || localMin < 0 || localMin > localMax {
				return cmdio.Usagef("want 0 <= --local-scanners-min <= --local-scanners-max")
			}
			if kf.deployment != "" && localMax > 0 {
				return cmdio.Usagef("--kube-deployment and --local-scanners-max both run scanners: choose one")
			}
			st, err := autoscale.ParseStrategy(strategy)
			if err != nil {
				return cmdio.Usagef("--autoscale-strategy: %v", err)
			}
			ctx := cmd.Context()
			queueDSN, storeDSN = postgresDSNs(e, bothDSN, queueDSN, storeDSN)
			if dataDir == "" && !controller.Diskless(queueDSN, storeDSN, keyFiles) {
				return cmdio.Usagef("--data-dir is required unless the queue and the store are in PostgreSQL (--postgres) and the sealing keys are files (--secret-key-file)")
			}
			cfg := controller.Config{DataDir: dataDir, DBPath: dbPath, QueueDSN: queueDSN, StoreDSN: storeDSN, SecretKeyFiles: keyFiles,
				LeaseDuration: lease, ScannerTimeout: scannerTimeout, CrawlStale: crawlStale, Logger: e.Logger}
			if e.cloud != nil { // scanfleet-controller: ecr, gar and acr registries
				cfg.Cloud = e.cloud
			}
			if err := kf.apply(e, &cfg, st); err != nil {
				return err
			}
			if configFile != "" {
				fc, err := controller.LoadConfigFile(configFile)
				if err != nil {
					return err
				}
				cfg.File = fc
			}
			// Listen first: local scanners need the address.
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", listen, err)
			}
			defer ln.Close()
			var ls *autoscale.LocalScaler
			if localMax > 0 {
				if ls, err = newLocalScaler(ctx, e, ln.Addr(), cfg, dbPath, tlsCert); err != nil {
					return err
				}
				defer ls.Close()
				cfg.Scaler = ls
				cfg.Autoscale = autoscale.Config{Strategy: st, MinScannerPods: localMin, MaxScannerPods: localMax}
			}
			c, err := controller.New(ctx, cfg)
			if err != nil {
				return err
			}
			defer c.Close()
			srv := &http.Server{
				Handler:           c.Handler(),
				ReadHeaderTimeout: 10 * time.Second,
				IdleTimeout:       2 * time.Minute,
			}
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			runDone := make(chan struct{})
			go func() {
				defer close(runDone)
				_ = c.Run(runCtx)
			}()
			errc := make(chan error, 1)
			go func() {
				if tlsCert != "" {
					srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
					errc <- srv.ServeTLS(ln, tlsCert, tlsKey)
				} else {
					errc <- srv.Serve(ln)
				}
			}()
			// The address is logged and printed so that scripts (and tests)
			// using port 0 learn it.
			fmt.Fprintf(e.Stdout, "listening on %s\n", ln.Addr())
			e.Logger.Info("controller listening", "addr", ln.Addr().String(), "tls", tlsCert != "")
			select {
			case err := <-errc:
				return fmt.Errorf("serving: %w", err)
			case <-ctx.Done():
			}
			if ls != nil {
				// Stop local scanners while the API still serves them, so
				// that they hand their tasks back.
				cancel()
				if err := ls.Close(); err != nil {
					e.Logger.Warn("stopping local scanners", "err", err)
				}
			}
			// Let the background loops end (the auto-scaler first, then the
			// election, which gives a Lease up for the next controller).
			cancel()
			select {
			case <-runDone:
			case <-time.After(10 * time.Second):
				e.Logger.Warn("background loops did not stop within 10s")
			}
			sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer scancel()
			if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("shutting down: %w", err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&listen, "listen", "127.0.0.1:8480", "address to serve the API on")
	fl.StringVar(&dataDir, "data-dir", "", "directory for state.db, queue.db and secret.key (not needed with --postgres and --secret-key-file)")
	fl.StringVar(&queueDSN, "queue-postgres", "", "keep the task queue in this PostgreSQL database instead of queue.db (pgx DSN; or SCANFLEET_QUEUE_POSTGRES)")
	fl.StringVar(&storeDSN, "store-postgres", "", "keep the control-plane state (tokens, registries, scanners, results, layers, ...) in this PostgreSQL database instead of state.db (pgx DSN; or SCANFLEET_STORE_POSTGRES)")
	fl.StringVar(&bothDSN, "postgres", "", "shorthand for --queue-postgres and --store-postgres with one database: controllers given the same one (and the same --secret-key-file) are one control plane (or SCANFLEET_POSTGRES)")
	fl.StringSliceVar(&keyFiles, "secret-key-file", nil, "file(s) of 32 raw bytes sealing registry credentials, newest first (default: DATA_DIR/secret.key, created on first start); replicas must all get the same files")
	fl.StringVar(&configFile, "config", "", "YAML/JSON file of registries to configure at start")
	fl.StringVar(&dbPath, "db", "", "vulnerability database whose digest qualifies scan tasks")
	fl.StringVar(&tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate")
	fl.StringVar(&tlsKey, "tls-key", "", "PEM private key for --tls-cert")
	fl.DurationVar(&lease, "lease", 2*time.Minute, "task lease duration")
	fl.DurationVar(&scannerTimeout, "scanner-timeout", controller.DefaultScannerTimeout, "declare a scanner gone after this long without a heartbeat (scanners heartbeat every quarter of it)")
	fl.DurationVar(&crawlStale, "crawl-takeover", 30*time.Second, "another controller takes over a crawl whose runner has not heartbeated for this long")
	fl.IntVar(&localMax, "local-scanners-max", 0, "auto-scale local 'scanfleet scanner' processes up to this many (0: none)")
	fl.IntVar(&localMin, "local-scanners-min", 0, "auto-scaler minimum of local scanners (applied at the first scale event)")
	fl.StringVar(&strategy, "autoscale-strategy", string(autoscale.Delayed), "auto-scaling strategy: delayed, immediate or disabled")
	kf.register(cmd)

	token := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var role, tokDir, tokStore, tokBoth, tokName, tokExpires string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token in the store directly and print it (only its hash is stored): the first admin token; then use 'scanfleet token'",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, tokStore = postgresDSNs(e, tokBoth, "", tokStore)
			if tokDir == "" && tokStore == "" {
				return cmdio.Usagef("--data-dir (or --store-postgres/--postgres) is required")
			}
			spec := controller.TokenSpec{Name: tokName, Role: api.Role(role)}
			if tokExpires != "" {
				d, err := api.ParseExpiresIn(tokExpires)
				if err != nil {
					return cmdio.Usagef("--expires: %v", err)
				}
				spec.ExpiresIn = d
			}
			tok, t, err := controller.CreateNamedToken(cmd.Context(), controller.Config{DataDir: tokDir, StoreDSN: tokStore}, spec)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stderr, "token %s (%s) created\n", t.Name, t.Role)
			fmt.Fprintln(e.Stdout, tok)
			return nil
		},
	}
	create.Flags().StringVar(&role, "role", "reader", "admin, scanner, submitter (sends standalone results only) or reader")
	create.Flags().StringVar(&tokName, "name", "", "the token's unique name (default: ROLE-<8 random hex digits>)")
	create.Flags().StringVar(&tokExpires, "expires", "", "lifetime (30d, 12h); default: never expires")
	create.Flags().StringVar(&tokDir, "data-dir", "", "the controller's data directory")
	create.Flags().StringVar(&tokStore, "store-postgres", "", "the controllers' PostgreSQL store (or SCANFLEET_STORE_POSTGRES): the token works on every replica")
	create.Flags().StringVar(&tokBoth, "postgres", "", "the controllers' --postgres database (or SCANFLEET_POSTGRES)")
	token.AddCommand(create)
	cmd.AddCommand(token)

	var rsDir, rsStore, rsBoth string
	var rsKeys []string
	reseal := &cobra.Command{
		Use:   "reseal",
		Short: "Re-seal every stored registry credential with the newest --secret-key-file (key rotation, step 2)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, rsStore = postgresDSNs(e, rsBoth, "", rsStore)
			if rsDir == "" && rsStore == "" {
				return cmdio.Usagef("--data-dir (or --store-postgres/--postgres) is required")
			}
			if len(rsKeys) < 1 {
				return cmdio.Usagef("--secret-key-file is required: the new key first, then the old one(s)")
			}
			n, err := controller.Reseal(cmd.Context(), controller.Config{DataDir: rsDir, StoreDSN: rsStore, SecretKeyFiles: rsKeys})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "re-sealed the credentials of %d registries with %s\n", n, rsKeys[0])
			return nil
		},
	}
	reseal.Flags().StringVar(&rsDir, "data-dir", "", "the controller's data directory")
	reseal.Flags().StringVar(&rsStore, "store-postgres", "", "the controllers' PostgreSQL store (or SCANFLEET_STORE_POSTGRES)")
	reseal.Flags().StringVar(&rsBoth, "postgres", "", "the controllers' --postgres database (or SCANFLEET_POSTGRES)")
	reseal.Flags().StringSliceVar(&rsKeys, "secret-key-file", nil, "key files, newest first: the newest seals, any opens")
	cmd.AddCommand(reseal)
	return cmd
}

// postgresDSNs resolves the queue and store databases: an explicit
// --queue-postgres/--store-postgres wins, then --postgres (one database
// for both), then the environment (SCANFLEET_QUEUE_POSTGRES,
// SCANFLEET_STORE_POSTGRES, SCANFLEET_POSTGRES).
func postgresDSNs(e *env, both, queueDSN, storeDSN string) (string, string) {
	if both == "" {
		both = e.Getenv("SCANFLEET_POSTGRES")
	}
	if queueDSN == "" {
		queueDSN = e.Getenv("SCANFLEET_QUEUE_POSTGRES")
	}
	if storeDSN == "" {
		storeDSN = e.Getenv("SCANFLEET_STORE_POSTGRES")
	}
	if queueDSN == "" {
		queueDSN = both
	}
	if storeDSN == "" {
		storeDSN = both
	}
	return queueDSN, storeDSN
}

// newScannerCmd is 'scanfleet scanner'.
func newScannerCmd(e *env) *cobra.Command {
	cfg := worker.Config{}
	var caCert string
	cmd := &cobra.Command{
		Use:   "scanner",
		Short: "Run a fleet scanner: take scan tasks from a controller until stopped",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.ControllerURL == "" {
				return cmdio.Usagef("--controller is required")
			}
			if cfg.Token == "" {
				cfg.Token = e.Getenv("SCANFLEET_TOKEN")
			}
			if cfg.Token == "" {
				return cmdio.Usagef("--token (or SCANFLEET_TOKEN) is required")
			}
			tr := http.DefaultTransport.(*http.Transport).Clone()
			if caCert != "" {
				pem, err := os.ReadFile(caCert)
				if err != nil {
					return fmt.Errorf("--ca-cert: %w", err)
				}
				pool, err := x509.SystemCertPool()
				if err != nil {
					pool = x509.NewCertPool()
				}
				if !pool.AppendCertsFromPEM(pem) {
					return fmt.Errorf("--ca-cert %s: no PEM certificates", caCert)
				}
				tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
			}
			cfg.HTTPClient = &http.Client{Transport: tr, Timeout: 2 * time.Minute}
			cfg.Logger = e.Logger
			if cfg.ClaimWait <= 0 {
				return cmdio.Usagef("--claim-wait must be positive")
			}
			return worker.Run(cmd.Context(), cfg)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&cfg.ControllerURL, "controller", "", "controller URL, e.g. https://controller:8480")
	fl.StringVar(&cfg.Token, "token", "", "API token with the scanner or admin role (prefer SCANFLEET_TOKEN)")
	fl.StringVar(&cfg.Name, "name", "", "name shown in the controller's API; a scanner registering under an active scanner's name replaces it, releasing its tasks (default: host name and pid)")
	fl.IntVar(&cfg.Concurrency, "concurrency", 2, "images scanned at once")
	fl.StringVar(&cfg.DBPath, "db", "", "vulnerability database file (empty: packages only)")
	fl.StringVar(&cfg.Platform, "platform", "linux/amd64", "platform to pick from multi-arch images")
	fl.DurationVar(&cfg.PollInterval, "poll-interval", 2*time.Second, "wait between lease attempts when idle")
	fl.StringVar(&caCert, "ca-cert", "", "PEM CA bundle to trust for the controller's TLS")
	cmdio.BindStallFlag(fl, &cfg.StallTimeout)
	fl.DurationVar(&cfg.ClaimWait, "claim-wait", worker.DefaultClaimWait, "wait at most this long for a layer another scanner is analysing, then analyse it here")
	return cmd
}

// newLocalScaler builds the LocalScaler of --local-scanners-max: each
// scanner is this same binary run as 'scanner' against the controller's
// own address, with a scanner-role token created now. The token goes in
// SCANFLEET_TOKEN rather than --token so that it does not show in ps.
func newLocalScaler(ctx context.Context, e *env, addr net.Addr, ccfg controller.Config, dbPath, tlsCert string) (*autoscale.LocalScaler, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("local scanners: finding this executable: %w", err)
	}
	tok, err := controller.CreateTokenIn(ctx, ccfg, api.RoleScanner)
	if err != nil {
		return nil, fmt.Errorf("local scanners: creating a token: %w", err)
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return nil, fmt.Errorf("local scanners: controller address: %w", err)
	}
	// A wildcard listen address is reachable on loopback.
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http"
	argv := []string{self, "scanner"}
	if tlsCert != "" {
		scheme = "https"
		argv = append(argv, "--ca-cert", tlsCert)
	}
	argv = append(argv, "--controller", scheme+"://"+net.JoinHostPort(host, port))
	if dbPath != "" {
		argv = append(argv, "--db", dbPath)
	}
	return autoscale.NewLocalScaler(autoscale.LocalOptions{
		Argv:   argv,
		Env:    []string{"SCANFLEET_TOKEN=" + tok},
		Stdout: e.Stderr,
		Stderr: e.Stderr,
		Logger: e.Logger,
	})
}

// kubeFlags are the controller's Kubernetes and leader-election flags.
type kubeFlags struct {
	deployment, kubeconfig               string
	scannersMin, scannersMax             int
	elect, leaseNamespace, leaseName, id string
	leaseDuration                        time.Duration
	watchPods                            bool
}

func (k *kubeFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&k.deployment, "kube-deployment", "", "auto-scale this scanner Deployment (NAMESPACE/NAME) through its scale subresource instead of local scanner processes")
	fl.StringVar(&k.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, else the in-cluster service account, else ~/.kube/config)")
	fl.IntVar(&k.scannersMin, "scanners-min", 1, "auto-scaler minimum of --kube-deployment replicas (applied at the first scale event)")
	fl.IntVar(&k.scannersMax, "scanners-max", 5, "auto-scaler maximum of --kube-deployment replicas")
	fl.StringVar(&k.elect, "leader-elect", "", "leader election among controllers: none, kubernetes (a Lease) or postgres (an advisory lock in the --queue-postgres database); default postgres with --queue-postgres, else kubernetes in a cluster, else none")
	fl.StringVar(&k.leaseNamespace, "leader-lease-namespace", "", "namespace of the leader Lease (default: the pod's namespace, else default)")
	fl.StringVar(&k.leaseName, "leader-lease-name", "scanfleet-controller", "name of the leader Lease, or of the PostgreSQL election")
	fl.StringVar(&k.id, "leader-identity", "", "this controller's name in the election (default: host name plus a random suffix)")
	fl.BoolVar(&k.watchPods, "watch-pods", false, "record which image digests run where from the cluster's Pods (a read-only informer; RBAC: list and watch pods in every namespace); the lead controller watches")
	fl.DurationVar(&k.leaseDuration, "leader-lease-duration", leader.DefaultLeaseDuration, "how long a dead leader keeps leadership before another controller takes over (PostgreSQL checks every fifth of it, and a leader with no successful check for two thirds of it steps down)")
}

// noKubernetes explains why this binary refuses the Kubernetes flags.
const noKubernetes = "needs the Kubernetes integration: run scanfleet-controller, the build of scanfleet that links it"

// apply sets cfg.Scaler, cfg.Elector and cfg.Reviews from the flags; a
// Kubernetes client is made only when one of them needs it.
func (k *kubeFlags) apply(e *env, cfg *controller.Config, st autoscale.Strategy) error {
	if k.scannersMin < 0 || k.scannersMin > k.scannersMax {
		return cmdio.Usagef("want 0 <= --scanners-min <= --scanners-max")
	}
	if k.leaseDuration <= 0 {
		return cmdio.Usagef("--leader-lease-duration must be positive")
	}
	kind := k.elect
	if kind == "" {
		switch {
		case cfg.QueueDSN != "":
			kind = "postgres"
		case e.kube != nil && e.kube.InCluster():
			kind = "kubernetes"
		default:
			kind = "none"
		}
	}
	if k.deployment != "" {
		if e.kube == nil {
			return cmdio.Usagef("--kube-deployment %s", noKubernetes)
		}
		if ns, name, ok := strings.Cut(k.deployment, "/"); !ok || ns == "" || name == "" || strings.Contains(name, "/") {
			return cmdio.Usagef("--kube-deployment %q: want NAMESPACE/NAME", k.deployment)
		}
		sc, err := e.kube.DeploymentScaler(k.kubeconfig, k.deployment)
		if err != nil {
			return cmdio.Usagef("--kube-deployment: %v", err)
		}
		cfg.Scaler = sc
		cfg.Autoscale = autoscale.Config{Strategy: st, MinScannerPods: k.scannersMin, MaxScannerPods: k.scannersMax}
	}
	id := k.id
	if id == "" {
		id = leader.DefaultIdentity()
	}
	switch kind {
	case "none":
		cfg.Elector = leader.Always{ID: id}
	case "postgres":
		if cfg.QueueDSN == "" {
			return cmdio.Usagef("--leader-elect postgres needs --queue-postgres (or SCANFLEET_QUEUE_POSTGRES)")
		}
		el, err := leader.NewPostgres(leader.PostgresOptions{DSN: cfg.QueueDSN, Name: k.leaseName, Identity: id,
			RetryPeriod: k.leaseDuration / 5, RenewDeadline: k.leaseDuration * 2 / 3, Logger: e.Logger})
		if err != nil {
			return err
		}
		cfg.Elector = el
	case "kubernetes":
		if e.kube == nil {
			return cmdio.Usagef("--leader-elect kubernetes %s", noKubernetes)
		}
		ns := k.leaseNamespace
		if ns == "" {
			ns = e.kube.InClusterNamespace()
		}
		if ns == "" {
			ns = "default"
		}
		el, err := e.kube.LeaseElector(k.kubeconfig, ns, k.leaseName, id, k.leaseDuration, e.Logger)
		if err != nil {
			return cmdio.Usagef("--leader-elect kubernetes: %v", err)
		}
		cfg.Elector = el
	default:
		return cmdio.Usagef("--leader-elect %q: want none, kubernetes or postgres", k.elect)
	}
	if e.kube != nil {
		cfg.Reviews = e.kube.Reviews()
	}
	if k.watchPods {
		if e.kube == nil {
			return cmdio.Usagef("--watch-pods %s", noKubernetes)
		}
		w, err := e.kube.PodWatcher(k.kubeconfig, e.Logger)
		if err != nil {
			return cmdio.Usagef("--watch-pods: %v", err)
		}
		cfg.WatchPods = w
	}
	return nil
}
