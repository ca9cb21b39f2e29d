package servecli

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/kube"
	"github.com/scanfleet/scanfleet/internal/kubecli"
	"github.com/scanfleet/scanfleet/internal/leader"
)

// TestControllerKubeFlags: the controller's Kubernetes and election flags
// choose the scaler and the elector, with the documented defaults, and
// reject what cannot work before anything starts.
func TestControllerKubeFlags(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		queueDSN string
		kind     string // Elector kind
		scaler   bool   // a DeploymentScaler is configured
		wantErr  string
		lean     bool // the scanfleet binary, without the Kubernetes integration
	}{
		{name: "alone", kind: "none"},
		{name: "shared queue elects through postgres", queueDSN: "postgres://u@127.0.0.1:1/db", kind: "postgres"},
		{name: "explicit none with a queue", args: []string{"--leader-elect", "none"}, queueDSN: "postgres://u@127.0.0.1:1/db", kind: "none"},
		{name: "lease", args: []string{"--leader-elect", "kubernetes", "--kubeconfig", kubeconfig}, kind: "kubernetes"},
		{name: "deployment scaler", args: []string{"--kubeconfig", kubeconfig, "--kube-deployment", "scanfleet/scanfleet-scanner", "--scanners-min", "2", "--scanners-max", "4"}, kind: "none", scaler: true},
		{name: "postgres without a queue", args: []string{"--leader-elect", "postgres"}, wantErr: "needs --queue-postgres"},
		{name: "unknown election", args: []string{"--leader-elect", "zookeeper"}, wantErr: "want none, kubernetes or postgres"},
		{name: "bad deployment", args: []string{"--kubeconfig", kubeconfig, "--kube-deployment", "scanner"}, wantErr: "NAMESPACE/NAME"},
		{name: "min over max", args: []string{"--scanners-min", "3", "--scanners-max", "2"}, wantErr: "--scanners-min"},
		{name: "zero lease", args: []string{"--leader-lease-duration", "0s"}, wantErr: "must be positive"},
		{name: "missing kubeconfig", args: []string{"--leader-elect", "kubernetes", "--kubeconfig", filepath.Join(t.TempDir(), "nope")}, wantErr: "nope"},
		{name: "lean: lease refused", args: []string{"--leader-elect", "kubernetes", "--kubeconfig", kubeconfig}, lean: true, wantErr: "run scanfleet-controller"},
		{name: "lean: deployment refused", args: []string{"--kubeconfig", kubeconfig, "--kube-deployment", "scanfleet/scanfleet-scanner"}, lean: true, wantErr: "run scanfleet-controller"},
		{name: "lean: postgres election works", queueDSN: "postgres://u@127.0.0.1:1/db", lean: true, kind: "postgres"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var kf kubeFlags
			cmd := &cobra.Command{}
			kf.register(cmd)
			if err := cmd.Flags().Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			e := &env{Env: &cmdio.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Logger: slog.New(slog.DiscardHandler)}, kube: kubecli.Integration{}}
			if tc.lean {
				e.kube = nil
			}
			cfg := controller.Config{QueueDSN: tc.queueDSN}
			err := kf.apply(e, &cfg, autoscale.Delayed)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Elector == nil || cfg.Elector.Kind() != tc.kind {
				t.Fatalf("elector %#v, want kind %s", cfg.Elector, tc.kind)
			}
			if _, ok := cfg.Elector.(leader.Always); ok && !cfg.Elector.IsLeader() {
				t.Fatal("a lone controller must lead")
			}
			_, isKube := cfg.Scaler.(*kube.DeploymentScaler)
			if isKube != tc.scaler {
				t.Fatalf("scaler %T", cfg.Scaler)
			}
			if (cfg.Reviews != nil) == tc.lean {
				t.Fatalf("admission review codec %v with lean=%v", cfg.Reviews, tc.lean)
			}
			if tc.scaler && (cfg.Autoscale.MinScannerPods != 2 || cfg.Autoscale.MaxScannerPods != 4 || cfg.Autoscale.Strategy != autoscale.Delayed) {
				t.Fatalf("autoscale config %+v", cfg.Autoscale)
			}
		})
	}
}
