package controller

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/store"
)

// TestCrawlFailedNotification: a crawl of an unreachable registry (a
// port nothing listens on) fails, and a subscriber of crawl.failed gets
// one signed post naming the registry and the error; the signature is
// checked here with HMAC-SHA256 computed independently of package
// notify. A subscriber of other event types gets nothing (issue #20).
func TestCrawlFailedNotification(t *testing.T) {
	// An address that refuses connections: listen, note it, close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()

	type post struct {
		body            []byte
		sig, event, dlv string
	}
	var (
		mu    sync.Mutex
		posts []post
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, post{body, r.Header.Get("X-Scanfleet-Signature"), r.Header.Get("X-Scanfleet-Event"), r.Header.Get("X-Scanfleet-Delivery")})
		mu.Unlock()
	}))
	defer rcv.Close()

	f := newFixture(t, Config{})
	subscribe := func(in api.SubscriptionRequest) api.Subscription {
		t.Helper()
		code, body := f.do(t, http.MethodPost, "/api/v1/subscriptions", f.admin, mustJSON(t, in))
		var sub api.Subscription
		if code != http.StatusCreated || json.Unmarshal(body, &sub) != nil {
			t.Fatalf("subscribe: %d %s", code, body)
		}
		return sub
	}
	ops := subscribe(api.SubscriptionRequest{ID: "ops", URL: rcv.URL, Events: []string{notify.CrawlFailed}})
	subscribe(api.SubscriptionRequest{ID: "sec", URL: rcv.URL + "/sec", Events: []string{notify.AdmissionDenied, notify.ScanFailed}})
	if ops.Secret == "" {
		t.Fatal("no secret generated")
	}

	reg := api.RegistryInput{Registry: api.Registry{Name: "gone", URL: "http://" + dead}}
	if code, body := f.do(t, http.MethodPost, "/api/v1/registries", f.admin, mustJSON(t, reg)); code != http.StatusCreated {
		t.Fatalf("add registry: %d %s", code, body)
	}
	if code, body := f.do(t, http.MethodPost, "/api/v1/registries/gone/scan", f.admin, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d %s", code, body)
	}

	var got post
	for deadline := time.Now().Add(120 * time.Second); ; {
		mu.Lock()
		n := len(posts)
		if n > 0 {
			got = posts[0]
		}
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no crawl.failed post within 120s; logs:\n%s", f.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	mac := hmac.New(sha256.New, []byte(ops.Secret))
	mac.Write(got.body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); got.sig != want {
		t.Errorf("signature %q, want %q", got.sig, want)
	}
	var env struct {
		ID     string `json:"id"`
		Type   string `json:"type"`
		Events []struct {
			ID, Type, Registry, Error string
		} `json:"events"`
	}
	if err := json.Unmarshal(got.body, &env); err != nil {
		t.Fatalf("body: %v\n%s", err, got.body)
	}
	if got.event != notify.CrawlFailed || got.dlv != env.ID || env.Type != notify.CrawlFailed || len(env.Events) != 1 {
		t.Fatalf("post: event header %q, delivery %q, envelope %s", got.event, got.dlv, got.body)
	}
	ev := env.Events[0]
	if ev.Type != notify.CrawlFailed || ev.Registry != "gone" || !strings.Contains(ev.Error, dead) {
		t.Errorf("event %+v: want crawl.failed of gone, the error naming %s", ev, dead)
	}
	// The other subscriber was given no delivery (the outbox is written
	// when the event is published, before any post).
	if ds, err := f.c.store.ListDeliveries(t.Context(), store.DeliveryFilter{Subscription: "sec"}); err != nil || len(ds) != 0 {
		t.Errorf("deliveries to sec: %d, %v; want none", len(ds), err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range posts {
		if p.event != notify.CrawlFailed {
			t.Errorf("a post of %s reached the receiver", p.event)
		}
	}
}
