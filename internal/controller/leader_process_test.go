package controller

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"

	"github.com/scanfleet/scanfleet/internal/kube/kubetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// ctlProcess is a `scanfleet controller` process.
type ctlProcess struct {
	*fleettest.Controller
	id    string // --leader-identity
	token string
	logs  *testutil.SyncBuffer
}

func (p *ctlProcess) get(t *testing.T, path string, out any) int {
	t.Helper()
	req, err := http.NewRequest("GET", p.Base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0 // a killed process
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return resp.StatusCode
}

func (p *ctlProcess) post(t *testing.T, path string, body any) int {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", p.Base+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (p *ctlProcess) leader(t *testing.T) api.LeaderView {
	t.Helper()
	var v api.LeaderView
	if code := p.get(t, "/api/v1/leader", &v); code != http.StatusOK {
		t.Fatalf("GET /api/v1/leader: %d; logs:\n%s", code, p.logs)
	}
	return v
}

// buildScanfleet builds the binary with the Kubernetes integration, for
// the Lease election.
func buildScanfleet(t *testing.T) string {
	t.Helper()
	return fleettest.Build(t, t.TempDir(), "scanfleet-controller")
}

func startController(t *testing.T, bin, id string, args ...string) *ctlProcess {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	p := &ctlProcess{id: id, token: fleettest.Token(t, bin, data, "admin"), logs: &testutil.SyncBuffer{}}
	p.Controller = fleettest.StartController(t, bin, data, "127.0.0.1:0", p.logs,
		append([]string{"--log-level", "debug", "--leader-identity", id, "--leader-lease-duration", "1s"}, args...)...)
	return p
}

// settled waits until one of ps leads and every other names it as the
// holder, and returns the leader and the others. With a 1 s lease the
// leadership can change hands before the test kills anyone: on a loaded
// machine a Lease renewal later than its RenewDeadline (2/3 s) gives the
// Lease up, as it must, and the other controller takes it. The test
// follows the leadership rather than assume it stays where it started.
func settled(t *testing.T, ps ...*ctlProcess) (lead *ctlProcess, rest []*ctlProcess) {
	t.Helper()
	waitUntil(t, "one controller to lead and the others to name it", func() bool {
		lead, rest = nil, nil
		views := make([]api.LeaderView, len(ps))
		for i, p := range ps {
			views[i] = p.leader(t)
			if views[i].Leader {
				if lead != nil {
					return false // two say they lead: an overlap, wait
				}
				lead = p
			} else {
				rest = append(rest, p)
			}
		}
		if lead == nil {
			return false
		}
		for i, p := range ps {
			if p != lead && views[i].Holder != lead.id {
				return false
			}
		}
		return true
	})
	return lead, rest
}

// TestLeaderFailoverProcesses runs two controller processes of the real
// binary in one election (a shared PostgreSQL queue, or a Kubernetes
// Lease on the real API server), kills the leader with SIGKILL and
// watches the other take over through the API. The lease is 1 s
// (--leader-lease-duration); the time the takeover took is logged.
// Whichever controller leads when the kill comes is killed (see settled).
func TestLeaderFailoverProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	type setup struct {
		election string
		args     func(t *testing.T) []string
		// check runs against the first controller while it is the only
		// one (so that it leads throughout), before the second starts.
		check func(t *testing.T, leader *ctlProcess)
	}
	var (
		ns string
		cs kubernetes.Interface
	)
	bin := buildScanfleet(t)
	for _, tc := range []setup{
		{
			election: "postgres",
			args: func(t *testing.T) []string {
				// No --leader-elect: a shared PostgreSQL queue elects
				// through PostgreSQL by default.
				return []string{"--queue-postgres", testutil.PostgresSchema(t, "failover")}
			},
		},
		{
			election: "kubernetes",
			args: func(t *testing.T) []string {
				kubeconfig := testutil.Service(t, "SCANFLEET_TEST_KUBECONFIG")
				_, cs = kubetest.Admin(t)
				ns = kubetest.Namespace(t, cs, "sf-failover")
				for _, obj := range kubetest.ManifestObjects(t, "40-scanner.yaml") {
					d := obj.(*appsv1.Deployment)
					d.Namespace = ns
					if _, err := cs.AppsV1().Deployments(ns).Create(context.Background(), d, metav1.CreateOptions{}); err != nil {
						t.Fatal(err)
					}
				}
				return []string{"--leader-elect", "kubernetes", "--kubeconfig", kubeconfig, "--leader-lease-namespace", ns,
					"--kube-deployment", ns + "/scanfleet-scanner", "--autoscale-strategy", "immediate",
					"--scanners-min", "1", "--scanners-max", "3"}
			},
			check: func(t *testing.T, leader *ctlProcess) {
				// The CLI wired the Deployment scaler: the auto-scaler reads
				// the manifest's replicas from the API server ...
				var v api.AutoscalerView
				if code := leader.get(t, "/api/v1/autoscaler", &v); code != http.StatusOK || !v.Enabled || v.Replicas == nil || *v.Replicas != 2 {
					t.Fatalf("autoscaler view %d %+v; logs:\n%s", code, v, leader.logs)
				}
				// ... and, once a crawl queues a task nobody scans, the
				// leader's immediate strategy scales the Deployment to
				// --scanners-max, one step per observation (every 5 s).
				host := imagetest.Registry(t)
				img := oneFileImage(t, "etc/x", "x\n")
				imagetest.Push(t, img, host+"/team/app:1")
				if code := leader.post(t, "/api/v1/registries", api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + host}}); code != http.StatusCreated {
					t.Fatalf("create registry: %d", code)
				}
				if code := leader.post(t, "/api/v1/registries/local/scan", nil); code != http.StatusAccepted {
					t.Fatalf("scan: %d", code)
				}
				replicas := func() int32 {
					d, err := cs.AppsV1().Deployments(ns).Get(context.Background(), "scanfleet-scanner", metav1.GetOptions{})
					if err != nil {
						t.Fatal(err)
					}
					return *d.Spec.Replicas
				}
				// Observations come every 5 s and only while leading; a CI
				// machine under load can delay renewals of the 1 s Lease,
				// so the bound is generous and the logs tell why on failure.
				deadline := time.Now().Add(90 * time.Second)
				for replicas() != 3 {
					if time.Now().After(deadline) {
						leader.get(t, "/api/v1/autoscaler", &v)
						t.Fatalf("the leader did not scale the Deployment to 3 (replicas %d); autoscaler %+v; logs:\n%s", replicas(), v, leader.logs)
					}
					time.Sleep(50 * time.Millisecond)
				}
				// The auto-scaler records its event once the API server
				// has answered the scale, so the Deployment can show 3
				// replicas a moment before the event is there (a loaded
				// machine stretches that moment): wait for it, bounded.
				waitUntil(t, "the scale-up event", func() bool {
					return leader.get(t, "/api/v1/autoscaler", &v) == http.StatusOK && len(v.Events) > 0
				})
				if e := v.Events[0]; e.Kind != "scale-up" || e.From != 2 || e.To != 3 {
					t.Fatalf("autoscaler events %+v", v.Events)
				}
			},
		},
	} {
		t.Run(tc.election, func(t *testing.T) {
			args := tc.args(t)
			a := startController(t, bin, "ctl-a", args...)
			waitUntil(t, "ctl-a leads", func() bool { return a.leader(t).Leader })
			if tc.check != nil {
				tc.check(t, a)
			}
			b := startController(t, bin, "ctl-b", args...)
			lead, rest := settled(t, a, b)
			for _, p := range []*ctlProcess{a, b} {
				if v := p.leader(t); v.Election != tc.election || v.Identity != p.id {
					t.Fatalf("before the kill: %s %+v", p.id, v)
				}
			}
			survivor := rest[0]
			lead.Kill()
			killed := time.Now()
			waitUntil(t, survivor.id+" takes over", func() bool {
				v := survivor.leader(t)
				return v.Leader && v.Holder == survivor.id
			})
			t.Logf("%s: %s led %v after %s was killed (lease 1s)", tc.election, survivor.id, time.Since(killed).Round(time.Millisecond), lead.id)
			// The survivor's metric says it leads (alone, it takes the
			// Lease back should a late renewal have lost it).
			metric := func() string {
				var metrics strings.Builder
				req, _ := http.NewRequest("GET", survivor.Base+"/metrics", nil)
				req.Header.Set("Authorization", "Bearer "+survivor.token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				sc := bufio.NewScanner(resp.Body)
				for sc.Scan() {
					if strings.HasPrefix(sc.Text(), "scanfleet_leader ") {
						fmt.Fprintln(&metrics, sc.Text())
					}
				}
				return strings.TrimSpace(metrics.String())
			}
			waitUntil(t, survivor.id+"'s metric scanfleet_leader 1", func() bool { return metric() == "scanfleet_leader 1" })
			// A graceful stop of the new leader gives leadership up; its
			// log says so.
			waitUntil(t, survivor.id+" leads", func() bool { return survivor.leader(t).Leader })
			if err := survivor.Stop(time.Minute); err != nil {
				t.Fatalf("%s exit: %v; logs:\n%s", survivor.id, err, survivor.logs)
			}
			for _, want := range []string{`msg="became leader"`, `msg="left leadership"`} {
				if !strings.Contains(survivor.logs.String(), want) {
					t.Fatalf("%s's log lacks %s; logs:\n%s", survivor.id, want, survivor.logs)
				}
			}
		})
	}
}
