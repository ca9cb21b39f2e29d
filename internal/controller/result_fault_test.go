package controller

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/store"
)

// A controller killed between completing a task and storing its result
// (two databases, two commits) must not lose the result: the scanner
// retries its post, and the repeat stores it. A repeat of a post that was
// fully stored (only the answer was lost) is acknowledged without counting
// a second scan, and a post from a scanner that never held the task is
// still refused.
func TestResultPostRepeatedAfterCrash(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	img := oneFileImage(t, "etc/z", "z\n")
	imagetest.Push(t, img, host+"/e/f:1")
	f := newFixture(t, Config{})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Crawl(ctx, "r", queue.PriorityManual); err != nil {
		t.Fatal(err)
	}
	register := func(name string) string {
		var reg api.RegisterResponse
		_, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"`+name+`"}`))
		if err := json.Unmarshal(body, &reg); err != nil {
			t.Fatal(err)
		}
		return reg.ID
	}
	s1, s2 := register("s1"), register("s2")
	var lr api.LeaseResponse
	_, body := f.do(t, "POST", "/api/v1/scanners/"+s1+"/lease", f.scanner, []byte(`{"max":1}`))
	if err := json.Unmarshal(body, &lr); err != nil || len(lr.Tasks) != 1 {
		t.Fatalf("lease: %s", body)
	}
	task := lr.Tasks[0]
	// The crash: the queue recorded the completion, the result store did
	// not get the result.
	if err := f.c.queue.Complete(ctx, s1, task.ID); err != nil {
		t.Fatal(err)
	}
	scans := func() int {
		var ims []store.ImageSummary
		_, body := f.do(t, "GET", "/api/v1/images?registry=r", f.reader, nil)
		if err := json.Unmarshal(body, &ims); err != nil {
			t.Fatal(err)
		}
		for _, im := range ims {
			if im.Digest == task.Digest {
				return im.Scans
			}
		}
		return 0
	}
	if n := scans(); n != 0 {
		t.Fatalf("result present before the repeat: %d scans", n)
	}
	post := func(scanner string) int {
		code, body := f.do(t, "POST", "/api/v1/tasks/"+task.ID+"/result", f.scanner,
			mustJSON(t, api.ResultRequest{Scanner: scanner, Report: json.RawMessage(`{}`)}))
		t.Logf("post by %s: %d %s", scanner, code, body)
		return code
	}
	if code := post(s1); code != http.StatusNoContent {
		t.Fatalf("repeated post after the crash: %d, want 204", code)
	}
	if n := scans(); n != 1 {
		t.Fatalf("after the repeat: %d scans, want 1 (the result stored)", n)
	}
	if code := post(s1); code != http.StatusNoContent {
		t.Errorf("another repeat: %d, want 204", code)
	}
	if n := scans(); n != 1 {
		t.Errorf("after another repeat: %d scans, want still 1", n)
	}
	if code := post(s2); code != http.StatusConflict {
		t.Errorf("post by a scanner that never held the task: %d, want 409", code)
	}
	if n := scans(); n != 1 {
		t.Errorf("after the stranger's post: %d scans, want 1", n)
	}
}
