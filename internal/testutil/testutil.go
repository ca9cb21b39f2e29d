// Package testutil finds the shared, real test data and the external
// services (registry, Docker engine, ...) that tests run against.
//
// Test data lives outside the repository, in ../shared/testdata relative to
// the module root (override with SCANFLEET_TESTDATA). Tests skip when it is
// absent. Services are announced by environment variables that .ci/run sets
// after starting them; with SCANFLEET_REQUIRE_SERVICES=1 (set by CI) a
// missing service fails the test instead of skipping it, so CI cannot go
// green by skipping everything.
package testutil

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// ModuleRoot returns the repository root (the directory holding go.mod).
func ModuleRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testutil: cannot locate source file")
	}
	// this file is internal/testutil/testutil.go
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// DataDir returns the shared test data directory, skipping the test when
// it is absent.
func DataDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SCANFLEET_TESTDATA")
	if dir == "" {
		dir = filepath.Join(ModuleRoot(t), "..", "shared", "testdata")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("shared test data not found at %s (set SCANFLEET_TESTDATA): %v", dir, err)
	}
	return dir
}

// Data returns the path of a file under the shared test data directory,
// skipping the test when it is absent.
func Data(t testing.TB, rel ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{DataDir(t)}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("test data %s not found: %v", p, err)
	}
	return p
}

// Service returns the value of the environment variable that announces an
// external service (e.g. SCANFLEET_TEST_REGISTRY=127.0.0.1:5000). When it is
// unset the test is skipped, or fails if SCANFLEET_REQUIRE_SERVICES=1.
func Service(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is not set but SCANFLEET_REQUIRE_SERVICES=1: .ci/run must start this service", env)
		}
		t.Skipf("%s not set: start the service (see .ci/run) to run this test", env)
	}
	return v
}
