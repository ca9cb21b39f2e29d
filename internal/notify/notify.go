// Package notify tells subscribers when something in the fleet changes:
// an image gains or loses findings, a finding enters CISA's KEV catalog, a
// scan or a registry crawl fails, admission denies a workload.
//
// Publishing writes deliveries to the store's durable outbox; a
// Dispatcher (any number of them, on any controller replica) leases due
// deliveries and POSTs them: signed JSON (an HMAC-SHA256 of the body with
// the subscription's secret in the X-Scanfleet-Signature header) or
// Slack's incoming-webhook format, retrying with exponential back-off
// until MaxAttempts. Delivery is at least once: every body carries an id
// that a receiver deduplicates on, and the outbox holds one delivery per
// (subscription, id), so a producer that publishes the same thing twice
// sends it once.
//
// One Publish call sends each subscription at most one post: a single
// event as itself, several as one digest (a database update that changes
// 5,000 images is one post, not 5,000).
package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Event types.
const (
	// ImageFindingsAdded: a scan or a database re-match found findings
	// the image did not have.
	ImageFindingsAdded = "image.findings_added"
	// ImageFindingsRemoved: findings are gone (fixed, withdrawn, excepted).
	ImageFindingsRemoved = "image.findings_removed"
	// ImageEnteredKEV: findings entered CISA's KEV catalog.
	ImageEnteredKEV = "image.entered_kev"
	ScanFailed      = "scan.failed"
	CrawlFailed     = "crawl.failed"
	AdmissionDenied = "admission.denied"
	// Digest is the type of a post that carries several events.
	Digest = "digest"
	// Test is the type of a test send.
	Test = "test"
)

// EventTypes are the types a subscription may select.
var EventTypes = []string{ImageFindingsAdded, ImageFindingsRemoved, ImageEnteredKEV, ScanFailed, CrawlFailed, AdmissionDenied}

// Formats.
const (
	FormatJSON  = "json"
	FormatSlack = "slack"
)

// Image names the image an event is about.
type Image struct {
	Registry   string   `json:"registry"`
	Repository string   `json:"repository"`
	Digest     string   `json:"digest"`
	Tags       []string `json:"tags,omitempty"`
}

func (im *Image) String() string {
	s := im.Registry + "/" + im.Repository
	if len(im.Tags) > 0 {
		s += ":" + im.Tags[0]
	}
	if im.Digest != "" {
		d := im.Digest
		if len(d) > 19 {
			d = d[:19]
		}
		s += "@" + d
	}
	return s
}

// Finding is one finding an event concerns.
type Finding struct {
	ID       string          `json:"id"`
	Package  string          `json:"package,omitempty"`
	Severity report.Severity `json:"severity,omitempty"`
	KEV      bool            `json:"kev,omitempty"`
}

// Event is one thing that happened.
type Event struct {
	// ID identifies the event; the same happening must get the same id
	// (see EventID), which is what makes publishing it twice harmless.
	ID   string    `json:"id"`
	Type string    `json:"type"`
	At   time.Time `json:"at"`
	// Cause says what led to it: "scan", "database update", ...
	Cause    string    `json:"cause,omitempty"`
	Image    *Image    `json:"image,omitempty"`
	Findings []Finding `json:"findings,omitempty"`
	// Registry is the registry whose crawl failed.
	Registry string `json:"registry,omitempty"`
	// Namespace and Workload name what admission denied.
	Namespace string `json:"namespace,omitempty"`
	Workload  string `json:"workload,omitempty"`
	Error     string `json:"error,omitempty"`
	Message   string `json:"message,omitempty"`
}

// EventID derives an event id from what identifies the happening (e.g.
// type, image key and database digest), so that two replicas, or one
// retrying, name it alike.
func EventID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "ev-" + hex.EncodeToString(h[:12])
}

// minSeverity reads a subscription's MinSeverity: one of report's names in
// any case except UNKNOWN (which would keep everything), or "" for any.
func minSeverity(word string) (report.Severity, bool) {
	if strings.TrimSpace(word) == "" {
		return "", true
	}
	s, ok := report.LookupSeverity(word)
	return s, ok && s != report.SeverityUnknown
}

// ValidateSubscription checks what a subscription must have to be sent
// to, naming it and every problem.
func ValidateSubscription(s store.Subscription) error {
	var errs []error
	u, err := url.Parse(s.URL)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("url: %w", err))
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		errs = append(errs, fmt.Errorf("url %q: want an absolute http or https URL", s.URL))
	}
	if s.Format != FormatJSON && s.Format != FormatSlack {
		errs = append(errs, fmt.Errorf("format %q: want %q or %q", s.Format, FormatJSON, FormatSlack))
	}
	if _, ok := minSeverity(s.MinSeverity); !ok {
		errs = append(errs, fmt.Errorf("min_severity %q: want one of CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE or empty", s.MinSeverity))
	}
	for _, e := range s.Events {
		if !slices.Contains(EventTypes, e) {
			errs = append(errs, fmt.Errorf("event %q: want one of %s", e, strings.Join(EventTypes, ", ")))
		}
	}
	if s.ID == "" {
		errs = append(errs, errors.New("id: required"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("subscription %s: %w", s.ID, errors.Join(errs...))
	}
	return nil
}

// filter returns ev as sub should see it (findings below its minimum
// severity dropped) and whether sub wants it at all.
func filter(sub *store.Subscription, ev Event) (Event, bool) {
	if len(sub.Events) > 0 && ev.Type != Test && !slices.Contains(sub.Events, ev.Type) {
		return ev, false
	}
	min, _ := minSeverity(sub.MinSeverity)
	if min == "" || len(ev.Findings) == 0 {
		return ev, true
	}
	var kept []Finding
	for _, f := range ev.Findings {
		if f.Severity.AtLeast(min) {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		return ev, false
	}
	ev.Findings = kept
	return ev, true
}

// Envelope is the JSON body of every post in the json format.
type Envelope struct {
	// ID is the delivery's event id (a digest's is derived from its
	// events' ids): deduplicate on it.
	ID   string    `json:"id"`
	Type string    `json:"type"`
	At   time.Time `json:"at"`
	// Events are the events, at most the publisher's MaxDigest;
	// Omitted counts those left out of a larger digest.
	Events  []Event `json:"events"`
	Omitted int     `json:"omitted,omitempty"`
}

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body
// keyed with the subscription's secret.
const SignatureHeader = "X-Scanfleet-Signature"

// Sign returns the SignatureHeader value for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is body's signature with secret, in
// constant time; receivers written in Go can use it.
func Verify(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// render makes the body of one post.
func render(format string, env Envelope) ([]byte, error) {
	if format == FormatSlack {
		return json.Marshal(map[string]string{"text": slackText(env)})
	}
	return json.Marshal(env)
}

// slackText is a short human summary: Slack shows text, not JSON.
func slackText(env Envelope) string {
	var b strings.Builder
	if env.Type == Digest {
		fmt.Fprintf(&b, "*Scanfleet: %d events*\n", len(env.Events)+env.Omitted)
	}
	for i, ev := range env.Events {
		if i == 20 {
			fmt.Fprintf(&b, "… and %d more\n", len(env.Events)-i+env.Omitted)
			break
		}
		b.WriteString(summary(ev))
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func summary(ev Event) string {
	ids := func() string {
		var s []string
		for i, f := range ev.Findings {
			if i == 5 {
				s = append(s, fmt.Sprintf("+%d", len(ev.Findings)-i))
				break
			}
			s = append(s, f.ID+" ("+strings.ToLower(string(f.Severity))+")")
		}
		return strings.Join(s, ", ")
	}
	img := ""
	if ev.Image != nil {
		img = ev.Image.String()
	}
	switch ev.Type {
	case ImageFindingsAdded:
		return fmt.Sprintf(":rotating_light: %s gained %d finding(s): %s", img, len(ev.Findings), ids())
	case ImageFindingsRemoved:
		return fmt.Sprintf(":white_check_mark: %s lost %d finding(s): %s", img, len(ev.Findings), ids())
	case ImageEnteredKEV:
		return fmt.Sprintf(":fire: %s: %d finding(s) now known exploited (KEV): %s", img, len(ev.Findings), ids())
	case ScanFailed:
		return fmt.Sprintf(":x: scan of %s failed: %s", img, ev.Error)
	case CrawlFailed:
		return fmt.Sprintf(":x: crawl of registry %s failed: %s", ev.Registry, ev.Error)
	case AdmissionDenied:
		return fmt.Sprintf(":no_entry: admission denied %s/%s: %s", ev.Namespace, ev.Workload, ev.Message)
	}
	return fmt.Sprintf("%s: %s", ev.Type, ev.Message)
}

// digestID names a digest by its events, so a digest of the same events
// published again is the same delivery.
func digestID(events []Event) string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	sort.Strings(ids)
	return EventID(append([]string{Digest}, ids...)...)
}
