package store

import (
	"context"

	"github.com/scanfleet/scanfleet/internal/store/internal/fleetdb"
	"github.com/scanfleet/scanfleet/internal/store/internal/resultdb"
	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/internal/triagedb"
)

// db is a Store: one concern type per interface over one database. The
// concern types declare disjoint methods, so each method of Store is
// promoted from exactly one of them.
type db struct {
	core *sqlcore.DB
	*fleetdb.Tokens
	*fleetdb.Registries
	*fleetdb.Scanners
	*fleetdb.Settings
	*fleetdb.Crawls
	*fleetdb.Layers
	*resultdb.Results
	*resultdb.Images
	*resultdb.Tags
	*resultdb.Hosts
	*triagedb.Exceptions
	*triagedb.Audit
	*triagedb.Notifications
	*triagedb.Workloads
	*triagedb.Admission
}

func compose(core *sqlcore.DB) *db {
	return &db{
		core:          core,
		Tokens:        fleetdb.NewTokens(core),
		Registries:    fleetdb.NewRegistries(core),
		Scanners:      fleetdb.NewScanners(core),
		Settings:      fleetdb.NewSettings(core),
		Crawls:        fleetdb.NewCrawls(core),
		Layers:        fleetdb.NewLayers(core),
		Results:       resultdb.NewResults(core),
		Images:        resultdb.NewImages(core),
		Tags:          resultdb.NewTags(core),
		Hosts:         resultdb.NewHosts(core),
		Exceptions:    triagedb.NewExceptions(core),
		Audit:         triagedb.NewAudit(core),
		Notifications: triagedb.NewNotifications(core),
		Workloads:     triagedb.NewWorkloads(core),
		Admission:     triagedb.NewAdmission(core),
	}
}

// OpenSQLite opens (creating and migrating) the store in the SQLite file at
// path; ":memory:" is a private in-memory store. The directory must exist.
// An existing controller state.db is adopted: its tables are kept.
func OpenSQLite(ctx context.Context, path string) (Store, error) {
	core, err := sqlcore.OpenSQLite(ctx, path, resultdb.PreparedWrites())
	if err != nil {
		return nil, err
	}
	return compose(core), nil
}

// OpenPostgres opens the store in the PostgreSQL database at dsn (a pgx URL
// or key=value string), creating and migrating its tables. Tables go in the
// first schema of search_path; several controllers may open one database
// at the same time. The DSN parameter pool_max_conns sizes the connection
// pool (default pgpool.DefaultMaxConns).
func OpenPostgres(ctx context.Context, dsn string) (Store, error) {
	core, err := sqlcore.OpenPostgres(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return compose(core), nil
}

// Version is the schema version this binary migrates to.
func Version() int { return sqlcore.Version() }

// Backend is "sqlite" or "postgres".
func (s *db) Backend() string { return s.core.Backend() }

// Close closes the database; the store is unusable afterwards.
func (s *db) Close() error { return s.core.Close() }
