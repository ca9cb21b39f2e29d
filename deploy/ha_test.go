package deploy_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/scanfleet/scanfleet/internal/cli"
	"github.com/scanfleet/scanfleet/internal/kube/kubetest"
	"github.com/scanfleet/scanfleet/internal/kubecli"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestHAManifestControllers starts three controllers in this process
// through scanfleet-controller's CLI with the HA manifest's own arguments
// and environment, as the pods would run them: the DSN only in
// SCANFLEET_POSTGRES (a real PostgreSQL), the sealing key only as the
// --secret-key-file, the Lease on the real API server. Only what needs the
// pod's files is replaced (paths under the mounts, the listen address)
// or left out (TLS files, the vulnerability database, the scanner
// Deployment to scale). Then a token made as the README says works on
// every replica; exactly one leads; a registry with a password added on
// one replica and a pushed image announced on another is leased, with the
// password opened, from the third, which only the shared store and key
// make possible.
func TestHAManifestControllers(t *testing.T) {
	// A schema of its own in the test database.
	shared := testutil.PostgresSchema(t, "deploy_ha")
	kubeconfig := testutil.Service(t, "SCANFLEET_TEST_KUBECONFIG")
	_, cs := kubetest.Admin(t)
	ns := kubetest.Namespace(t, cs, "sf-ha")
	ctx := context.Background()

	d := find[*appsv1.Deployment](t, typed(t, layouts[0]), "scanfleet-controller")
	c, _ := controllerArgs(t, d)
	// The Secret's files: every mount of a Secret volume becomes a
	// directory here holding a random 32-byte key under each name the
	// args read from it.
	tmp := t.TempDir()
	secretDirs := map[string]string{}
	for _, m := range c.VolumeMounts {
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Name == m.Name && v.Secret != nil && v.Secret.SecretName == "scanfleet-secret-key" {
				secretDirs[strings.TrimSuffix(m.MountPath, "/")+"/"] = filepath.Join(tmp, "keys")
			}
		}
	}
	if len(secretDirs) != 1 {
		t.Fatalf("secret key mounts %v", secretDirs)
	}
	if err := os.MkdirAll(filepath.Join(tmp, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	dropped := regexp.MustCompile(`^--(tls-cert|tls-key|db|kube-deployment|scanners-min|scanners-max)=`)
	argsFor := func(replica int) []string {
		var args []string
		for _, a := range c.Args {
			name, val, _ := strings.Cut(a, "=")
			switch {
			case dropped.MatchString(a):
			case name == "--listen":
				args = append(args, "--listen=127.0.0.1:0")
			case name == "--data-dir":
				args = append(args, fmt.Sprintf("--data-dir=%s/data-%d", tmp, replica))
			case name == "--leader-lease-namespace":
				args = append(args, "--leader-lease-namespace="+ns)
			case name == "--secret-key-file":
				for mount, dir := range secretDirs {
					if file, ok := strings.CutPrefix(val, mount); ok {
						path := filepath.Join(dir, file)
						if _, err := os.Stat(path); err != nil {
							key := make([]byte, 32)
							_, _ = rand.Read(key)
							if err := os.WriteFile(path, key, 0o600); err != nil {
								t.Fatal(err)
							}
						}
						val = path
					}
				}
				args = append(args, "--secret-key-file="+val)
			default:
				args = append(args, a)
			}
		}
		return append(args, "--kubeconfig="+kubeconfig, fmt.Sprintf("--leader-identity=replica-%d", replica))
	}
	for _, e := range c.Env {
		if e.Name == "SCANFLEET_POSTGRES" {
			t.Setenv(e.Name, shared)
		}
	}
	if os.Getenv("SCANFLEET_POSTGRES") == "" {
		t.Fatal("the manifest sets no SCANFLEET_POSTGRES")
	}

	runCtx, stop := context.WithCancel(ctx)
	type replica struct {
		base      string
		out, errs *testutil.SyncBuffer
		done      chan int
	}
	var replicas []*replica
	t.Cleanup(func() {
		stop()
		for i, r := range replicas {
			select {
			case code := <-r.done:
				if code != 0 {
					t.Errorf("replica %d exited %d:\n%s", i, code, r.errs)
				}
			case <-time.After(60 * time.Second):
				t.Errorf("replica %d did not stop within 60s", i)
			}
		}
	})
	addrRe := regexp.MustCompile(`listening on (\S+)`)
	for i := range 3 {
		r := &replica{out: &testutil.SyncBuffer{}, errs: &testutil.SyncBuffer{}, done: make(chan int, 1)}
		replicas = append(replicas, r)
		go func(args []string) {
			r.done <- cli.MainKubernetes(runCtx, args, strings.NewReader(""), r.out, r.errs, kubecli.Integration{})
		}(argsFor(i))
		deadline := time.Now().Add(90 * time.Second)
		for r.base == "" {
			if m := addrRe.FindStringSubmatch(r.out.String()); m != nil {
				r.base = "http://" + m[1]
				break
			}
			select {
			case code := <-r.done:
				r.done <- code // for the cleanup
				t.Fatalf("replica %d exited %d before listening:\n%s", i, code, r.errs)
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %d not listening within 90s:\n%s", i, r.errs)
			}
		}
	}

	// The README's token command, in the controller's environment.
	var tokOut, tokErr bytes.Buffer
	if code := cli.MainKubernetes(ctx, []string{"controller", "token", "create", "--role", "admin"}, strings.NewReader(""), &tokOut, &tokErr, kubecli.Integration{}); code != 0 {
		t.Fatalf("token create: exit %d: %s", code, tokErr.String())
	}
	token := strings.TrimSpace(tokOut.String())

	call := func(r *replica, method, path string, in, out any) int {
		t.Helper()
		var body io.Reader
		if in != nil {
			raw, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			body = bytes.NewReader(raw)
		}
		req, err := http.NewRequest(method, r.base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if out != nil && resp.StatusCode/100 == 2 {
			if err := json.Unmarshal(raw, out); err != nil {
				t.Fatalf("%s %s: %v: %s", method, path, err, raw)
			}
		}
		return resp.StatusCode
	}

	// Exactly one leads, through the Lease, and all agree on which.
	deadline := time.Now().Add(90 * time.Second)
	for {
		leaders, holders := 0, map[string]bool{}
		for i, r := range replicas {
			var v struct {
				Leader   bool   `json:"leader"`
				Holder   string `json:"holder"`
				Election string `json:"election"`
			}
			if code := call(r, http.MethodGet, "/api/v1/leader", nil, &v); code != http.StatusOK {
				t.Fatalf("replica %d: GET /api/v1/leader: %d (the token is not shared?)", i, code)
			}
			if v.Election != "kubernetes" {
				t.Fatalf("replica %d elects by %q, want kubernetes", i, v.Election)
			}
			if v.Leader {
				leaders++
			}
			holders[v.Holder] = true
		}
		if leaders == 1 && len(holders) == 1 && !holders[""] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 90s: %d leaders, holders %v", leaders, holders)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A registry with a password on replica 0, a push announced on
	// replica 1, the task leased from replica 2 with the password.
	if code := call(replicas[0], http.MethodPost, "/api/v1/registries", map[string]any{"name": "r", "url": "http://registry.invalid", "username": "u", "password": "sealed-secret"}, nil); code != http.StatusCreated {
		t.Fatalf("create registry on replica 0: %d", code)
	}
	push := map[string]any{"events": []map[string]any{{"action": "push", "target": map[string]any{
		"mediaType": "application/vnd.oci.image.manifest.v1+json", "repository": "team/app", "tag": "v1", "digest": "sha256:" + strings.Repeat("ab", 32)}}}}
	var nr struct {
		Enqueued int `json:"enqueued"`
	}
	if code := call(replicas[1], http.MethodPost, "/api/v1/registries/r/notify", push, &nr); code/100 != 2 || nr.Enqueued != 1 {
		t.Fatalf("notify on replica 1: %d %+v", code, nr)
	}
	var reg struct {
		ID string `json:"id"`
	}
	if code := call(replicas[2], http.MethodPost, "/api/v1/scanners", map[string]any{"name": "s"}, &reg); code != http.StatusCreated {
		t.Fatalf("register on replica 2: %d", code)
	}
	var lr struct {
		Tasks []struct {
			Repository string `json:"repository"`
			Password   string `json:"password"`
		} `json:"tasks"`
	}
	if code := call(replicas[2], http.MethodPost, "/api/v1/scanners/"+reg.ID+"/lease", map[string]any{"max": 1}, &lr); code != http.StatusOK ||
		len(lr.Tasks) != 1 || lr.Tasks[0].Repository != "team/app" || lr.Tasks[0].Password != "sealed-secret" {
		t.Fatalf("lease on replica 2: %d %+v", code, lr)
	}
	// Nothing went to the data directories: the state is in PostgreSQL.
	for i := range replicas {
		entries, _ := os.ReadDir(filepath.Join(tmp, fmt.Sprintf("data-%d", i)))
		for _, e := range entries {
			t.Errorf("replica %d wrote %s into its --data-dir", i, e.Name())
		}
	}
}
