package vulndb

import "github.com/scanfleet/scanfleet/internal/match"

// DB is the matcher's Store.
var _ match.Store = (*DB)(nil)
