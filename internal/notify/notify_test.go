package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/store/keyring"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// receiver is a webhook endpoint that records what it accepts; fail
// decides, per request number (from 1), whether to answer 503, and
// drop whether to accept the body but lose the response.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	n      int
	fail   func(n int) bool
	drop   func(n int) bool
	got    []Envelope
	raw    [][]byte
	badSig int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		r.t.Errorf("reading body: %v", err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.fail != nil && r.fail(r.n) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	if r.secret != "" && !Verify(r.secret, body, req.Header.Get(SignatureHeader)) {
		r.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var env Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		r.t.Errorf("body is not an envelope: %v", err)
	}
	if req.Header.Get("X-Scanfleet-Delivery") != env.ID && !bytes.Contains(body, []byte(`"text"`)) {
		r.t.Errorf("delivery header %q, body id %q", req.Header.Get("X-Scanfleet-Delivery"), env.ID)
	}
	r.got = append(r.got, env)
	r.raw = append(r.raw, body)
	if r.drop != nil && r.drop(r.n) {
		// Accepted, but the sender never hears so: it must retry.
		hj, ok := w.(http.Hijacker)
		if !ok {
			r.t.Fatal("cannot hijack")
		}
		c, _, err := hj.Hijack()
		if err == nil {
			c.Close()
		}
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type fixture struct {
	st   store.Store
	keys *keyring.Keyring
	clk  *clock
	pub  *Publisher
	disp *Dispatcher
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, err := keyring.New(bytes.Repeat([]byte{7}, keyring.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: t0}
	return &fixture{st: st, keys: keys, clk: clk,
		pub: &Publisher{Store: st, Now: clk.Now},
		disp: &Dispatcher{Store: st, Secrets: keys, Holder: "test", Now: clk.Now, Timeout: 5 * time.Second,
			Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute }}}
}

func (f *fixture) subscribe(t *testing.T, id, url, format, secret, minSev string, events ...string) {
	t.Helper()
	sealed, err := f.keys.Seal(secret)
	if err != nil {
		t.Fatal(err)
	}
	sub := store.Subscription{ID: id, Name: id, URL: url, Format: format, SecretSealed: sealed, MinSeverity: minSev, Events: events,
		Enabled: true, Author: "alice", Created: t0}
	if err := ValidateSubscription(sub); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.PutSubscription(context.Background(), sub, "alice", t0); err != nil {
		t.Fatal(err)
	}
}

// drain runs delivery rounds, advancing the clock past every back-off,
// until nothing is pending (bounded).
func (f *fixture) drain(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for round := 0; round < 200; round++ {
		if _, err := f.disp.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		pending, err := f.st.ListDeliveries(ctx, store.DeliveryFilter{State: store.DeliveryPending})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 0 {
			return
		}
		f.clk.Add(time.Hour) // past any back-off and lease
	}
	t.Fatal("deliveries still pending after 200 rounds")
}

func imageEvent(typ string, i int, sev ...report.Severity) Event {
	ev := Event{ID: EventID(typ, fmt.Sprint(i)), Type: typ, At: t0, Cause: "database update",
		Image: &Image{Registry: "local", Repository: fmt.Sprintf("team/app%d", i), Digest: fmt.Sprintf("sha256:%064d", i), Tags: []string{"1.0"}}}
	for j, s := range sev {
		ev.Findings = append(ev.Findings, Finding{ID: fmt.Sprintf("CVE-2026-%d%d", i, j), Package: "openssl", Severity: s})
	}
	return ev
}

func TestSignedDelivery(t *testing.T) {
	f := newFixture(t)
	rcv := &receiver{t: t, secret: "s3cret"}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	f.subscribe(t, "sec", srv.URL, FormatJSON, "s3cret", "")
	// A second subscription with the wrong secret on the receiver's side
	// is refused by it (the signature is checked, not just present).
	wrong := &receiver{t: t, secret: "other"}
	srv2 := httptest.NewServer(wrong)
	defer srv2.Close()
	f.subscribe(t, "wrong", srv2.URL, FormatJSON, "s3cret", "")
	f.disp.MaxAttempts = 2

	ev := imageEvent(ImageFindingsAdded, 1, "CRITICAL")
	n, err := f.pub.Publish(context.Background(), ev)
	if err != nil || n != 2 {
		t.Fatalf("published %d, %v", n, err)
	}
	f.drain(t)
	if len(rcv.got) != 1 || rcv.got[0].ID != ev.ID || rcv.got[0].Type != ImageFindingsAdded || len(rcv.got[0].Events) != 1 ||
		rcv.got[0].Events[0].Findings[0].ID != ev.Findings[0].ID {
		t.Fatalf("received %+v", rcv.got)
	}
	if wrong.badSig != 2 || len(wrong.got) != 0 {
		t.Fatalf("receiver with another secret: %d bad signatures, %d accepted", wrong.badSig, len(wrong.got))
	}
	failed, _ := f.st.ListDeliveries(context.Background(), store.DeliveryFilter{Subscription: "wrong"})
	if len(failed) != 1 || failed[0].State != store.DeliveryFailed || failed[0].LastStatus != 401 || !strings.Contains(failed[0].LastError, "bad signature") {
		t.Fatalf("delivery log of the refused subscription: %+v", failed)
	}
}

// The receiver is down for its first 5 requests, then loses the response
// to 2 it accepted: every event arrives, nothing is lost, and the only
// repeats are of the two whose answer was lost (same id: receivers
// deduplicate).
func TestReceiverDownThenUp(t *testing.T) {
	f := newFixture(t)
	rcv := &receiver{t: t, secret: "k", fail: func(n int) bool { return n <= 5 }, drop: func(n int) bool { return n == 6 || n == 8 }}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	f.subscribe(t, "s", srv.URL, FormatJSON, "k", "")
	f.disp.Batch, f.disp.Parallel = 2, 1

	var want []string
	for i := 0; i < 6; i++ {
		ev := imageEvent(ImageFindingsAdded, i, "HIGH")
		want = append(want, ev.ID)
		if _, err := f.pub.Publish(context.Background(), ev); err != nil { // one at a time: six posts
			t.Fatal(err)
		}
	}
	f.drain(t)
	seen := map[string]int{}
	for _, env := range rcv.got {
		seen[env.ID]++
	}
	for _, id := range want {
		if seen[id] == 0 {
			t.Errorf("event %s lost", id)
		}
	}
	if len(seen) != len(want) || len(rcv.got) != len(want)+2 {
		t.Fatalf("received %d posts of %d distinct events, want %d + 2 repeats", len(rcv.got), len(seen), len(want))
	}
	ds, _ := f.st.ListDeliveries(context.Background(), store.DeliveryFilter{})
	for _, d := range ds {
		if d.State != store.DeliveryDelivered {
			t.Errorf("delivery %s: %s after %d attempts (%s)", d.EventID, d.State, d.Attempts, d.LastError)
		}
	}
}

// A database update that changes 5,000 images: each subscription gets one
// digest; publishing the same batch again sends nothing more; the
// severity and type filters apply inside the digest.
func TestDigest(t *testing.T) {
	f := newFixture(t)
	all := &receiver{t: t, secret: "a"}
	srvAll := httptest.NewServer(all)
	defer srvAll.Close()
	crit := &receiver{t: t, secret: "c"}
	srvCrit := httptest.NewServer(crit)
	defer srvCrit.Close()
	f.subscribe(t, "all", srvAll.URL, FormatJSON, "a", "")
	f.subscribe(t, "crit", srvCrit.URL, FormatJSON, "c", "CRITICAL", ImageFindingsAdded)
	f.pub.MaxDigest = 10000

	var events []Event
	for i := 0; i < 5000; i++ {
		sev := report.SeverityMedium
		if i%100 == 0 {
			sev = report.SeverityCritical
		}
		events = append(events, imageEvent(ImageFindingsAdded, i, sev, "LOW"))
	}
	events = append(events, Event{ID: EventID(CrawlFailed, "hub"), Type: CrawlFailed, At: t0, Registry: "hub", Error: "401 Unauthorized"})
	n, err := f.pub.Publish(context.Background(), events...)
	if err != nil || n != 2 {
		t.Fatalf("published %d deliveries, %v; want one per subscription", n, err)
	}
	if n, _ := f.pub.Publish(context.Background(), events...); n != 0 {
		t.Fatalf("the same batch again queued %d deliveries", n)
	}
	f.drain(t)
	if len(all.got) != 1 || all.got[0].Type != Digest || len(all.got[0].Events) != 5001 {
		t.Fatalf("all: %d posts, first with %d events", len(all.got), len(all.got[0].Events))
	}
	if len(crit.got) != 1 || len(crit.got[0].Events) != 50 {
		t.Fatalf("crit: %d posts, %d events; want 1 post of the 50 images with a CRITICAL finding", len(crit.got), len(crit.got[0].Events))
	}
	for _, ev := range crit.got[0].Events {
		if len(ev.Findings) != 1 || ev.Findings[0].Severity != "CRITICAL" {
			t.Fatalf("below-minimum findings sent: %+v", ev.Findings)
		}
	}
	// Bounded digest: the rest is counted.
	f2 := newFixture(t)
	small := &receiver{t: t, secret: "a"}
	srvSmall := httptest.NewServer(small)
	defer srvSmall.Close()
	f2.subscribe(t, "s", srvSmall.URL, FormatJSON, "a", "")
	f2.pub.MaxDigest = 100
	if _, err := f2.pub.Publish(context.Background(), events...); err != nil {
		t.Fatal(err)
	}
	f2.drain(t)
	if len(small.got) != 1 || len(small.got[0].Events) != 100 || small.got[0].Omitted != 4901 {
		t.Fatalf("bounded digest: %d events, %d omitted", len(small.got[0].Events), small.got[0].Omitted)
	}
}

func TestSlackFormat(t *testing.T) {
	f := newFixture(t)
	rcv := &receiver{t: t}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	f.subscribe(t, "slack", srv.URL, FormatSlack, "x", "")
	_, err := f.pub.Publish(context.Background(), imageEvent(ImageEnteredKEV, 7, "HIGH"),
		Event{ID: "ev-scan", Type: ScanFailed, At: t0, Image: &Image{Registry: "local", Repository: "team/x", Digest: "sha256:ab"}, Error: "manifest unknown"})
	if err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	if len(rcv.raw) != 1 {
		t.Fatalf("%d posts", len(rcv.raw))
	}
	var msg map[string]string
	if err := json.Unmarshal(rcv.raw[0], &msg); err != nil || len(msg) != 1 {
		t.Fatalf("slack body %s: %v", rcv.raw[0], err)
	}
	for _, want := range []string{"2 events", "known exploited", "CVE-2026-70", "local/team/app7:1.0", "scan of local/team/x", "manifest unknown"} {
		if !strings.Contains(msg["text"], want) {
			t.Errorf("slack text %q lacks %q", msg["text"], want)
		}
	}
}

func TestValidateSubscription(t *testing.T) {
	ok := store.Subscription{ID: "s", URL: "https://hooks.example/x", Format: FormatJSON}
	tests := []struct {
		name string
		mut  func(*store.Subscription)
		want string
	}{
		{"valid", func(*store.Subscription) {}, ""},
		{"slack, events, severity", func(s *store.Subscription) {
			s.Format, s.Events, s.MinSeverity = FormatSlack, []string{ScanFailed}, "high"
		}, ""},
		{"relative url", func(s *store.Subscription) { s.URL = "/hook" }, "absolute http"},
		{"ftp url", func(s *store.Subscription) { s.URL = "ftp://x/y" }, "absolute http"},
		{"format", func(s *store.Subscription) { s.Format = "xml" }, "format"},
		{"severity", func(s *store.Subscription) { s.MinSeverity = "urgent" }, "min_severity"},
		{"event", func(s *store.Subscription) { s.Events = []string{"image.scanned"} }, `event "image.scanned"`},
		{"no id", func(s *store.Subscription) { s.ID = "" }, "id: required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := ok
			tc.mut(&s)
			err := ValidateSubscription(s)
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// A dispatcher whose receiver never answers 2xx gives up after
// MaxAttempts, with the last error in the delivery log; a test send
// reaches a disabled subscription.
func TestGivesUpAndTestSend(t *testing.T) {
	f := newFixture(t)
	rcv := &receiver{t: t, secret: "k", fail: func(int) bool { return true }}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	f.subscribe(t, "s", srv.URL, FormatJSON, "k", "")
	f.disp.MaxAttempts = 3
	if _, err := f.pub.Publish(context.Background(), imageEvent(ImageFindingsRemoved, 1, "LOW")); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	ds, _ := f.st.ListDeliveries(context.Background(), store.DeliveryFilter{})
	if rcv.n != 3 || len(ds) != 1 || ds[0].State != store.DeliveryFailed || ds[0].Attempts != 3 || ds[0].LastStatus != 503 {
		t.Fatalf("%d requests; log %+v", rcv.n, ds)
	}

	ok := &receiver{t: t, secret: "k"}
	srvOK := httptest.NewServer(ok)
	defer srvOK.Close()
	f.subscribe(t, "off", srvOK.URL, FormatJSON, "k", "")
	sub, _, _ := f.st.GetSubscription(context.Background(), "off")
	sub.Enabled = false
	if _, err := f.st.PutSubscription(context.Background(), sub, "alice", t0); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.pub.Publish(context.Background(), imageEvent(ImageFindingsAdded, 2, "HIGH")); n != 1 {
		t.Fatalf("published %d: a disabled subscription gets no events", n)
	}
	if _, err := f.pub.SendTest(context.Background(), "off"); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	if len(ok.got) != 1 || ok.got[0].Type != Test {
		t.Fatalf("test send: %+v", ok.got)
	}
	if _, err := f.pub.SendTest(context.Background(), "nope"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("test send to unknown: %v", err)
	}
}

// TestErrorsHideTheURL: a failed delivery's error, in the controller's
// log and in the delivery log, names the receiver by scheme and host
// only: a webhook URL's path (a Slack hook's above all) is a credential
// only admins may read, through /subscriptions.
func TestErrorsHideTheURL(t *testing.T) {
	f := newFixture(t)
	rcv := &receiver{t: t, secret: "k", fail: func(int) bool { return true }}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close() // nothing listens there any more
	var logs bytes.Buffer
	f.disp.Log = slog.New(slog.NewTextHandler(&logs, nil))
	f.disp.MaxAttempts = 1
	for _, c := range []struct{ id, url string }{
		{"refusing", srv.URL + "/services/T0/B0/hidden-path-503"},
		{"down", closedURL + "/services/T1/B1/hidden-path-dial"},
	} {
		f.subscribe(t, c.id, c.url, FormatJSON, "k", "")
		if _, err := f.pub.SendTest(context.Background(), c.id); err != nil {
			t.Fatal(err)
		}
	}
	f.drain(t)
	for _, c := range []struct{ id, want string }{{"refusing", "503"}, {"down", "connect"}} {
		ds, err := f.st.ListDeliveries(context.Background(), store.DeliveryFilter{Subscription: c.id})
		if err != nil || len(ds) != 1 {
			t.Fatalf("%s: deliveries %+v, %v", c.id, ds, err)
		}
		e := ds[0].LastError
		if strings.Contains(e, "hidden-path") || !strings.Contains(e, "http://127.0.0.1:") || !strings.Contains(e, c.want) {
			t.Errorf("%s: delivery error %q: want the host and %q, not the path", c.id, e, c.want)
		}
	}
	if strings.Contains(logs.String(), "hidden-path") || !strings.Contains(logs.String(), "notification not delivered") {
		t.Errorf("log:\n%s", logs.String())
	}
}
