package vulndb_test

import (
	"context"
	"time"

	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// The reader's in-package tests need databases built by the builder,
// which imports the reader; an external test package may import both.
func init() {
	vulndb.SetBuildForTest(func(ctx context.Context, out string, sources []string, builtAt time.Time) (vulndb.Info, error) {
		return build.Build(ctx, out, sources, build.BuildOptions{BuiltAt: builtAt})
	})
}
