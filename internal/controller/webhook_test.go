package controller

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/queue"
)

// pushedTags decodes a captured notification independently of
// crawl.ParseNotification and returns "repo:tag" of its tagged manifest
// pushes: what scan-on-push should enqueue.
func pushedTags(t *testing.T, body []byte) []string {
	t.Helper()
	var env struct {
		Events []struct {
			Action string
			Target struct{ MediaType, Repository, Tag string }
		}
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range env.Events {
		mt := e.Target.MediaType
		manifest := mt != "application/octet-stream" && mt != "" && e.Target.Tag != ""
		if e.Action == "push" && manifest {
			out = append(out, e.Target.Repository+":"+e.Target.Tag)
		}
	}
	return out
}

func TestNotify(t *testing.T) {
	files, err := filepath.Glob("../crawl/testdata/notifications/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captured notifications: %v", err)
	}
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := pushedTags(t, body)
		for _, tc := range []struct {
			name    string
			filters []string
			pass    func(repoTag string) bool
		}{
			{"all", nil, func(string) bool { return true }},
			{"only-notif/app", []string{"notif/app"}, func(rt string) bool { return len(rt) > 10 && rt[:10] == "notif/app:" }},
			{"nothing", []string{"other/**"}, func(string) bool { return false }},
		} {
			t.Run(filepath.Base(file)+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				f := newFixture(t, Config{})
				if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "reg", URL: "http://127.0.0.1:33933", Filters: tc.filters}}); err != nil {
					t.Fatal(err)
				}
				// A periodic task queued first: the pushed image must still
				// be leased before it.
				if _, err := f.c.queue.Enqueue(ctx, queue.Task{Key: "periodic-task", Payload: []byte(`{}`), Priority: queue.PriorityPeriodic}); err != nil {
					t.Fatal(err)
				}
				wantN := 0
				for _, rt := range want {
					if tc.pass(rt) {
						wantN++
					}
				}
				code, resp := f.do(t, http.MethodPost, "/api/v1/registries/reg/notify", f.scanner, body)
				if code != http.StatusAccepted {
					t.Fatalf("notify: %d %s", code, resp)
				}
				var res api.NotifyResponse
				if err := json.Unmarshal(resp, &res); err != nil {
					t.Fatal(err)
				}
				if res.Pushes != len(want) || res.Enqueued != wantN || res.Filtered != len(want)-wantN {
					t.Errorf("response %+v, want pushes %d enqueued %d", res, len(want), wantN)
				}
				tasks, err := f.c.queue.Lease(ctx, "w", 10, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				if len(tasks) != wantN+1 {
					t.Fatalf("leased %d tasks, want %d", len(tasks), wantN+1)
				}
				for i, task := range tasks[:wantN] {
					var p web.TaskPayload
					if err := json.Unmarshal(task.Payload, &p); err != nil {
						t.Fatal(err)
					}
					if task.Priority != queue.PriorityOnPush || p.Registry != "reg" || p.Repository+":"+p.Tag != want[i] {
						t.Errorf("task %d: priority %d payload %+v, want on-push %s", i, task.Priority, p, want[i])
					}
					if p.Reference != "127.0.0.1:33933/"+p.Repository+"@"+p.Digest {
						t.Errorf("reference %q", p.Reference)
					}
				}
				if last := tasks[wantN]; last.Key != "periodic-task" {
					t.Errorf("periodic task leased at position %d, want last", wantN)
				}
			})
		}
	}
}

func TestNotifyRejects(t *testing.T) {
	f := newFixture(t, Config{})
	if err := f.c.PutRegistry(context.Background(), api.RegistryInput{Registry: api.Registry{Name: "reg", URL: "http://127.0.0.1:5000"}}); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"events":[]}`)
	for _, tc := range []struct {
		name, path, token string
		body              []byte
		want              int
	}{
		{"no token", "/api/v1/registries/reg/notify", "", body, http.StatusUnauthorized},
		{"reader", "/api/v1/registries/reg/notify", f.reader, body, http.StatusForbidden},
		{"admin", "/api/v1/registries/reg/notify", f.admin, body, http.StatusAccepted},
		{"unknown registry", "/api/v1/registries/nope/notify", f.admin, body, http.StatusNotFound},
		{"not an envelope", "/api/v1/registries/reg/notify", f.admin, []byte(`{"foo":1}`), http.StatusBadRequest},
		{"truncated", "/api/v1/registries/reg/notify", f.admin, []byte(`{"events":[{"action":"pu`), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, resp := f.do(t, http.MethodPost, tc.path, tc.token, tc.body); code != tc.want {
				t.Errorf("got %d %s, want %d", code, resp, tc.want)
			}
		})
	}
}
