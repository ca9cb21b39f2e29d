// Package chaos holds Scanfleet's fault-injection tests: the real binary
// run as a controller and scanner processes against a real registry, with
// scanners and controllers SIGKILLed mid-scan, or the PostgreSQL server
// they share restarted, cut off and stalled, asserting that every image
// ends with exactly one result and no task is lost or stuck; and a scan of
// a hostile image (gzip bombs, 100,000 files) by the real CLI process,
// with its peak memory read from the kernel.
//
// The tests are bounded for CI (tens of images, ~15 kills); run.sh runs the
// long version (500 images, 100 kills) through the same code with the
// SCANFLEET_CHAOS_* knobs, and fuzz.sh runs every fuzz target of the
// module. docs/reliability.md records the figures.
package chaos
