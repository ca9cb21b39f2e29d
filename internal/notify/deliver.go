package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/scanfleet/scanfleet/internal/store"
)

// Outbox is the part of the store notify uses.
type Outbox interface {
	GetSubscription(ctx context.Context, id string) (store.Subscription, bool, error)
	ListSubscriptions(ctx context.Context) ([]store.Subscription, error)
	Enqueue(ctx context.Context, ds []store.Delivery) (int, error)
	ClaimDeliveries(ctx context.Context, holder string, now, leaseUntil time.Time, limit int) ([]store.Delivery, error)
	FinishDelivery(ctx context.Context, id, holder string, a store.DeliveryAttempt) error
}

// DefaultMaxDigest is how many events one digest lists by default.
const DefaultMaxDigest = 2000

// Publisher turns events into outbox deliveries.
type Publisher struct {
	Store Outbox
	// MaxDigest bounds the events listed in one digest (the rest are
	// counted in Omitted); 0 means DefaultMaxDigest.
	MaxDigest int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (p *Publisher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Publish queues events for every enabled subscription that wants them:
// for each, one delivery, a single event as itself and several as one
// digest. It returns how many deliveries were new.
func (p *Publisher) Publish(ctx context.Context, events ...Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	subs, err := p.Store.ListSubscriptions(ctx)
	if err != nil {
		return 0, fmt.Errorf("publishing %d event(s): %w", len(events), err)
	}
	var ds []store.Delivery
	for i := range subs {
		if !subs[i].Enabled {
			continue
		}
		d, ok, err := p.delivery(&subs[i], events)
		if err != nil {
			return 0, err
		}
		if ok {
			ds = append(ds, d)
		}
	}
	n, err := p.Store.Enqueue(ctx, ds)
	if err != nil {
		return 0, fmt.Errorf("publishing %d event(s): %w", len(events), err)
	}
	return n, nil
}

// SendTest queues a test event for one subscription, enabled or not.
func (p *Publisher) SendTest(ctx context.Context, subID string) (store.Delivery, error) {
	sub, ok, err := p.Store.GetSubscription(ctx, subID)
	if err != nil {
		return store.Delivery{}, err
	}
	if !ok {
		return store.Delivery{}, fmt.Errorf("subscription %q: not found", subID)
	}
	now := p.now()
	ev := Event{ID: EventID(Test, subID, strconv.FormatInt(now.UnixNano(), 10)), Type: Test, At: now,
		Message: "test notification from scanfleet"}
	d, _, err := p.delivery(&sub, []Event{ev})
	if err != nil {
		return d, err
	}
	if _, err := p.Store.Enqueue(ctx, []store.Delivery{d}); err != nil {
		return d, fmt.Errorf("test send to %s: %w", subID, err)
	}
	return d, nil
}

func (p *Publisher) delivery(sub *store.Subscription, events []Event) (store.Delivery, bool, error) {
	var kept []Event
	for _, ev := range events {
		if ev, ok := filter(sub, ev); ok {
			kept = append(kept, ev)
		}
	}
	if len(kept) == 0 {
		return store.Delivery{}, false, nil
	}
	now := p.now()
	env := Envelope{ID: kept[0].ID, Type: kept[0].Type, At: now, Events: kept}
	if len(kept) > 1 {
		env.ID, env.Type = digestID(kept), Digest
		max := p.MaxDigest
		if max <= 0 {
			max = DefaultMaxDigest
		}
		if len(kept) > max {
			env.Events, env.Omitted = kept[:max], len(kept)-max
		}
	}
	body, err := render(sub.Format, env)
	if err != nil {
		return store.Delivery{}, false, fmt.Errorf("rendering %s for subscription %s: %w", env.ID, sub.ID, err)
	}
	return store.Delivery{Subscription: sub.ID, EventID: env.ID, Kind: env.Type, Body: body, NextAt: now, CreatedAt: now}, true, nil
}

// Opener opens a sealed subscription secret (keyring.Keyring is one).
type Opener interface {
	Open(sealed []byte) (string, error)
}

// Dispatcher delivers the outbox. Several may run, on several replicas:
// each leases what it sends.
type Dispatcher struct {
	Store   Outbox
	Secrets Opener
	// Holder names this dispatcher in leases (unique per process).
	Holder string
	Client *http.Client
	Log    *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// MaxAttempts is how many times a delivery is tried (default 12,
	// about 34 hours with the default back-off).
	MaxAttempts int
	// Backoff is the wait after the n-th failed attempt (n from 1);
	// default 10s·2^(n-1), at most 6h, with ±20% jitter.
	Backoff func(n int) time.Duration
	// Timeout bounds one POST (default 15s); Batch is how many
	// deliveries one round leases (default 16), sent Parallel at a time
	// (default 4).
	Timeout         time.Duration
	Batch, Parallel int
	// Poll is the wait between rounds that found nothing (default 2s).
	Poll time.Duration
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// DefaultBackoff is 10s·2^(n-1) capped at 6h, ±20% jitter so that
// deliveries failing together do not retry together.
func DefaultBackoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	d = min(d, 6*time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64())) // #nosec G404 -- jitter of a retry delay, not a secret
}

// Run delivers until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	poll := orDefault(d.Poll, 2*time.Second)
	for {
		n, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil && d.Log != nil {
			d.Log.Warn("notification delivery round failed", "err", err)
		}
		if n > 0 && err == nil {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

// RunOnce leases one batch of due deliveries, sends them and records each
// outcome; it returns how many it attempted.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	if d.Holder == "" {
		return 0, errors.New("notify: dispatcher has no holder name")
	}
	timeout := orDefault(d.Timeout, 15*time.Second)
	batch, parallel := orDefault(d.Batch, 16), orDefault(d.Parallel, 4)
	now := d.now()
	// The lease outlives the worst case of sending the whole batch.
	lease := time.Duration((batch+parallel-1)/parallel+1) * (timeout + 5*time.Second)
	ds, err := d.Store.ClaimDeliveries(ctx, d.Holder, now, now.Add(lease), batch)
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	subs := map[string]*store.Subscription{}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, parallel)
	)
	for _, del := range ds {
		sub, ok := subs[del.Subscription]
		if !ok {
			s, found, err := d.Store.GetSubscription(ctx, del.Subscription)
			if err != nil {
				return 0, err
			}
			if found {
				sub = &s
			}
			subs[del.Subscription] = sub
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(del store.Delivery) {
			defer func() { <-sem; wg.Done() }()
			if err := d.deliver(ctx, sub, del, timeout); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}(del)
	}
	wg.Wait()
	return len(ds), errors.Join(errs...)
}

// deliver makes one attempt and records it.
func (d *Dispatcher) deliver(ctx context.Context, sub *store.Subscription, del store.Delivery, timeout time.Duration) error {
	var (
		status int
		err    error
	)
	if sub == nil {
		err = errors.New("subscription deleted")
	} else {
		status, err = d.post(ctx, sub, del, timeout)
	}
	if ctx.Err() != nil {
		// Shutting down: the lease lapses and another round retries.
		return nil
	}
	at := d.now()
	a := store.DeliveryAttempt{State: store.DeliveryDelivered, Status: status, At: at}
	if err != nil {
		a.Error = err.Error()
		n := del.Attempts + 1
		switch {
		case sub == nil || n >= orDefault(d.MaxAttempts, 12):
			a.State = store.DeliveryFailed
		default:
			a.State = store.DeliveryPending
			backoff := d.Backoff
			if backoff == nil {
				backoff = DefaultBackoff
			}
			a.NextAt = at.Add(backoff(n))
		}
		if d.Log != nil {
			d.Log.Warn("notification not delivered", "subscription", del.Subscription, "event", del.EventID,
				"attempt", n, "state", a.State, "next", a.NextAt, "err", err)
		}
	}
	if ferr := d.Store.FinishDelivery(context.WithoutCancel(ctx), del.ID, d.Holder, a); ferr != nil {
		return fmt.Errorf("delivery %s of %s to %s: %w", del.ID, del.EventID, del.Subscription, ferr)
	}
	return nil
}

// post sends one body and returns the HTTP status; an error for anything
// but 2xx.
func (d *Dispatcher) post(ctx context.Context, sub *store.Subscription, del store.Delivery, timeout time.Duration) (int, error) {
	secret := ""
	if len(sub.SecretSealed) > 0 {
		if d.Secrets == nil {
			return 0, errors.New("subscription has a sealed secret and the dispatcher no keyring")
		}
		s, err := d.Secrets.Open(sub.SecretSealed)
		if err != nil {
			return 0, fmt.Errorf("opening the subscription's secret: %w", err)
		}
		secret = s
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Errors name the URL only by scheme and host: they go to the
	// controller's log and the delivery log, and a webhook URL (a Slack
	// one above all) is itself a credential.
	where := redactURL(sub.URL)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(del.Body))
	if err != nil {
		return 0, fmt.Errorf("request to %s: invalid URL", where)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "scanfleet-notify")
	req.Header.Set("X-Scanfleet-Event", del.Kind)
	req.Header.Set("X-Scanfleet-Delivery", del.EventID)
	if secret != "" {
		req.Header.Set(SignatureHeader, Sign(secret, del.Body))
	}
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the whole URL
		}
		return 0, fmt.Errorf("POST %s: %w", where, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("POST %s: %s: %s", where, resp.Status, bytes.TrimSpace(msg))
	}
	return resp.StatusCode, nil
}

// redactURL cuts a webhook URL down to its scheme and host.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(the subscription's URL)"
	}
	return u.Scheme + "://" + u.Host + "/…"
}
