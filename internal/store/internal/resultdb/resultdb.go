// Package resultdb is the part of the store about scan results and what
// derives from them: image results and their idempotent task records
// (Results), the listings and lookups over them and the console's digests
// (Images), tags and what a crawl no longer found (Tags), and host scans
// (Hosts). Every report write keeps the CVE index (image_vulns) and the
// index of the exceptions a report applies (image_exceptions) through
// ReplaceVulns, which package triagedb uses too when it re-evaluates a
// stored report. Each concern is its own small type over the shared
// *sqlcore.DB; package store composes them into one store.Store.
package resultdb

import "github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"

// Results implements the writes of store.Results: results, task records
// and re-matches.
type Results struct{ db *sqlcore.DB }

// Images implements the reads of store.Results: listings, reports,
// lookups for admission and the console's digests.
type Images struct{ db *sqlcore.DB }

// Tags implements the tags of store.Results and MarkGone.
type Tags struct{ db *sqlcore.DB }

// Hosts implements store.Hosts.
type Hosts struct{ db *sqlcore.DB }

// NewResults returns the result writes of db.
func NewResults(db *sqlcore.DB) *Results { return &Results{db} }

// NewImages returns the image reads of db.
func NewImages(db *sqlcore.DB) *Images { return &Images{db} }

// NewTags returns the image tags of db.
func NewTags(db *sqlcore.DB) *Tags { return &Tags{db} }

// NewHosts returns the host scans of db.
func NewHosts(db *sqlcore.DB) *Hosts { return &Hosts{db} }

// PreparedWrites are the statements of a result write, which
// sqlcore.OpenSQLite prepares once (its driver would parse each on every
// call otherwise).
func PreparedWrites() []string {
	return []string{insertTaskResultSQL, upsertImageSQL, deleteVulnsSQL, insertVulnSQL, countDoneSQL}
}
