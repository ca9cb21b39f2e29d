// Package fleetdb is the part of the store about the fleet and its
// access: API tokens, registries and their sealed credentials, scanners,
// settings and token buckets, durable crawl requests and the fleet-wide
// layer store with its claims. Each concern is its own small type over the
// shared *sqlcore.DB, so that no type carries the whole store's methods;
// package store composes them into one store.Store.
package fleetdb

import "github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"

// Tokens implements store.Tokens.
type Tokens struct{ db *sqlcore.DB }

// Registries implements store.Registries.
type Registries struct{ db *sqlcore.DB }

// Scanners implements store.Scanners.
type Scanners struct{ db *sqlcore.DB }

// Settings implements store.Settings (settings and token buckets).
type Settings struct{ db *sqlcore.DB }

// Crawls implements store.Crawls.
type Crawls struct{ db *sqlcore.DB }

// Layers implements store.Layers.
type Layers struct{ db *sqlcore.DB }

// NewTokens returns the tokens of db.
func NewTokens(db *sqlcore.DB) *Tokens { return &Tokens{db} }

// NewRegistries returns the registries of db.
func NewRegistries(db *sqlcore.DB) *Registries { return &Registries{db} }

// NewScanners returns the scanners of db.
func NewScanners(db *sqlcore.DB) *Scanners { return &Scanners{db} }

// NewSettings returns the settings of db.
func NewSettings(db *sqlcore.DB) *Settings { return &Settings{db} }

// NewCrawls returns the crawl requests of db.
func NewCrawls(db *sqlcore.DB) *Crawls { return &Crawls{db} }

// NewLayers returns the layer store of db.
func NewLayers(db *sqlcore.DB) *Layers { return &Layers{db} }
