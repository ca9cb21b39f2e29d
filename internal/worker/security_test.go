package worker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// A fleet scan of the real TLS registry with basic auth: the password
// reaches the scanner (it must, to pull) but appears in no log line of
// controller or scanner at debug level, in no answer of any GET operation
// the API documents, and in no report.
func TestRegistryPasswordNeverShown(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS")
	ca := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS_CA")
	user, pass := os.Getenv("SCANFLEET_TEST_REGISTRY_USER"), os.Getenv("SCANFLEET_TEST_REGISTRY_PASSWORD")
	if user == "" || pass == "" {
		t.Fatal("SCANFLEET_TEST_REGISTRY_USER/_PASSWORD not set with the TLS registry")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	repo := "secret-" + hex.EncodeToString(b) + "/app"
	img := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	imagetest.PushTLS(t, img, host+"/"+repo+":1", ca, user, pass)
	digest, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}

	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 10*time.Second)
	reg := api.RegistryInput{
		Registry: api.Registry{Name: "tlsreg", URL: "https://" + host, Username: user, CACertFile: ca, Filters: []string{repo}},
		Password: pass,
	}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries", tok, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries/tlsreg/scan", tok, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = worker.Run(ctx, worker.Config{ControllerURL: base, Token: tok, Name: "w", PollInterval: 50 * time.Millisecond,
			RegistryTransport: imagetest.TLSTransport(t, ca),
			Logger:            slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	}()
	counts := fleettest.WaitDrained(t, base, tok, 1, 60*time.Second)
	cancel()
	wg.Wait()
	if counts["done"] != 1 {
		t.Fatalf("queue %v, want the image scanned\n%s", counts, logs)
	}

	// Every documented GET, with its path parameters filled from what
	// this scan produced.
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if code := fleettest.Do(t, "GET", base+"/api/v1/openapi.json", "", nil, &doc); code != 200 {
		t.Fatalf("openapi.json: %d", code)
	}
	params := map[string]string{"name": "tlsreg", "digest": digest.String()}
	ok := 0
	for p, ops := range doc.Paths {
		if _, has := ops["get"]; !has {
			continue
		}
		concrete := regexp.MustCompile(`\{([^}]+)\}`).ReplaceAllStringFunc(p, func(m string) string {
			if v, ok := params[strings.Trim(m, "{}")]; ok {
				return v
			}
			return "x"
		})
		req, err := http.NewRequest("GET", base+concrete, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			ok++
		}
		if strings.Contains(string(body), pass) {
			t.Errorf("GET %s shows the registry password", concrete)
		}
	}
	if ok < 10 {
		t.Errorf("only %d GET operations answered 200: the check saw too little", ok)
	}
	var view api.RegistryView
	fleettest.Do(t, "GET", base+"/api/v1/registries/tlsreg", tok, nil, &view)
	if !view.PasswordSet {
		t.Error("the registry view does not say a password is set")
	}
	if strings.Contains(logs.String(), pass) {
		t.Error("the registry password appears in a log")
	}
	if !strings.Contains(logs.String(), "scanned") {
		t.Errorf("the scanner's log was not captured:\n%s", logs)
	}
}
