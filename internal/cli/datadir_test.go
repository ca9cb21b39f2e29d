package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestControllerDataDirRule: `controller` needs --data-dir unless its
// queue and store are in PostgreSQL and its sealing keys are files, the
// README's HA command (`controller --postgres DSN --secret-key-file
// FILE`); that command gets past the flag checks and fails only on what
// it was given (here a key file that does not exist, named).
func TestControllerDataDirRule(t *testing.T) {
	const dsn = "postgres://u@127.0.0.1:1/db?sslmode=disable"
	missingKey := filepath.Join(t.TempDir(), "missing.key")
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		wantErr string
	}{
		{name: "nothing", code: 2, wantErr: "--data-dir is required unless"},
		{name: "postgres without key files", args: []string{"--postgres", dsn}, code: 2, wantErr: "--data-dir is required unless"},
		{name: "only the store in postgres", args: []string{"--store-postgres", dsn, "--secret-key-file", missingKey}, code: 2, wantErr: "--data-dir is required unless"},
		{name: "postgres and key files", args: []string{"--postgres", dsn, "--secret-key-file", missingKey}, code: 1, wantErr: missingKey},
		{name: "postgres from the environment", env: map[string]string{"SCANFLEET_POSTGRES": dsn}, args: []string{"--secret-key-file", missingKey}, code: 1, wantErr: missingKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.env, append([]string{"controller", "--listen", "127.0.0.1:0", "--leader-elect", "none"}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.wantErr) {
				t.Fatalf("exit %d, stderr %q; want exit %d naming %q", r.code, r.stderr, tc.code, tc.wantErr)
			}
		})
	}
}
