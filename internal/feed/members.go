package feed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// Record-level updates of OSV's per-ecosystem archives (issue 19). Next
// to each <ecosystem>/all.zip, the OSV bucket publishes modified_id.csv,
// one "<modified>,<id>" row per record of the ecosystem, newest first,
// and every record on its own as <ecosystem>/<id>.json. An update that
// kept what each member of the archive held (Options.Member) can then
// read the list, fetch only the records whose modified time changed, and
// read them with LoadMembers exactly as it would have read them inside
// the archive.

// MemberResult is what one archive member held: the counts it added to
// Stats and, for an OSV record, its id and modified time as written.
type MemberResult struct {
	Name       string // member name inside the archive
	ID         string
	Modified   string
	Files      int
	Records    int
	Withdrawn  int
	Skipped    int
	Malformed  int
	Enrichment int
	Errors     []string // at most MaxErrors
}

func newLoader(ctx context.Context, st *Stats, emit EmitFunc, opts Options) *loader {
	return &loader{ctx: ctx, stats: st, emit: emit, enrich: opts.Enrich, client: opts.Client,
		onMalformed: opts.Malformed, onMember: opts.Member}
}

// Member is one document given to LoadMembers.
type Member struct {
	Name string // as it would be named inside the archive ("<id>.json")
	Data []byte
}

// LoadMembers reads documents fetched one by one as if they were members
// of the archive src (an OSV all.zip URL): the same names in causes, the
// same counts, the same Options.Member reports.
func LoadMembers(ctx context.Context, src string, members []Member, emit EmitFunc, opts Options) (Stats, error) {
	st := Stats{Source: src}
	l := newLoader(ctx, &st, emit, opts)
	archive := src
	if u, err := url.Parse(src); err == nil {
		archive = path.Base(u.Path)
	}
	for _, m := range members {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("load %s: %w", src, err)
		}
		if err := l.loadMember(archive, m.Name, bytes.NewReader(m.Data), nil); err != nil {
			return st, fmt.Errorf("load %s: %w", src, err)
		}
	}
	return st, nil
}

// ModifiedID is one row of an OSV modified_id.csv.
type ModifiedID struct {
	Modified time.Time
	ID       string
}

// ErrModifiedList is wrapped by ParseModifiedIDs' errors.
var ErrModifiedList = errors.New("malformed modified_id.csv")

// ParseModifiedIDs reads an OSV modified_id.csv: "<RFC 3339 time>,<id>"
// per line. Any other line, or an id listed twice, fails the whole list:
// a list read in part would make an update silently miss records.
func ParseModifiedIDs(r io.Reader) ([]ModifiedID, error) {
	var out []ModifiedID
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			continue
		}
		ts, id, ok := strings.Cut(line, ",")
		id = strings.TrimSpace(id)
		if !ok || id == "" || strings.ContainsAny(id, ",/\\") {
			return nil, fmt.Errorf("%w: line %d: want \"<modified>,<id>\": %.80q", ErrModifiedList, n, line)
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(ts))
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrModifiedList, n, err)
		}
		if seen[id] {
			return nil, fmt.Errorf("%w: line %d: %s listed twice", ErrModifiedList, n, id)
		}
		seen[id] = true
		out = append(out, ModifiedID{Modified: t.UTC(), ID: id})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModifiedList, err)
	}
	return out, nil
}

// SameModified reports whether a record's own modified field (as read by
// Options.Member) names the time a modified_id.csv row gives. Times are
// compared to the second: the list and the record may not write the same
// fraction digits. A missing or unreadable field never matches, so such a
// record is fetched again.
func SameModified(recorded string, listed time.Time) bool {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(recorded))
	return err == nil && t.Truncate(time.Second).Equal(listed.Truncate(time.Second))
}

// ErrRecordGone is returned by FetchMembers for a record that the list
// names but the server does not have (404): the list and the records
// disagree, so the caller reads the whole archive instead.
var ErrRecordGone = errors.New("record listed but not served")

// ErrFetchBudget is returned by FetchMembers when the records together
// hold more than its budget: they are kept in memory, so the caller
// reads the whole archive (streamed) instead.
var ErrFetchBudget = errors.New("records over the update's memory budget")

// FetchMembers downloads <dir>/<id>.json for each id, a few at a time,
// into memory (each at most maxDocSize, all together at most budget
// bytes when budget is positive). The first failure cancels the rest and
// is returned, naming the URL.
func FetchMembers(ctx context.Context, client *http.Client, dir string, ids []string, budget int64) ([]Member, error) {
	refs := make([]MemberRef, len(ids))
	for i, id := range ids {
		refs[i] = MemberRef{URL: strings.TrimRight(dir, "/") + "/" + url.PathEscape(id) + ".json", Name: id + ".json"}
	}
	return FetchDocs(ctx, client, refs, budget)
}

// MemberRef is a document to fetch on its own and the name it has inside
// its archive.
type MemberRef struct{ URL, Name string }

// FetchDocs is FetchMembers for documents that do not share a folder
// (the CVE List's records: cves/<year>/<n>xxx/<id>.json).
func FetchDocs(ctx context.Context, client *http.Client, refs []MemberRef, budget int64) ([]Member, error) {
	if client == nil {
		client = http.DefaultClient
	}
	out := make([]Member, len(refs))
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		ferr  error
		next  int
		total int64
	)
	fail := func(err error) {
		mu.Lock()
		if ferr == nil {
			ferr = err
		}
		mu.Unlock()
		cancel()
	}
	// Four requests at once: enough to hide the latency of a day's few
	// hundred small objects, few enough to be polite to a mirror.
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(refs) || ctx.Err() != nil {
					return
				}
				b, err := fetchSmall(ctx, client, refs[i].URL)
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				total += int64(len(b))
				over := budget > 0 && total > budget
				mu.Unlock()
				if over {
					fail(fmt.Errorf("%d records from %s: over %d bytes: %w", len(refs), redacted(path.Dir(refs[i].URL)), budget, ErrFetchBudget))
					return
				}
				out[i] = Member{Name: refs[i].Name, Data: b}
			}
		}()
	}
	wg.Wait()
	if ferr != nil {
		return nil, ferr
	}
	// Cancelled between two fetches, the workers stop without an error:
	// the members not fetched are empty, not a result.
	if err := parent.Err(); err != nil {
		return nil, fmt.Errorf("fetching records: %w", err)
	}
	return out, nil
}

func redacted(u string) string {
	if pu, err := url.Parse(u); err == nil {
		return pu.Redacted()
	}
	return u
}

func fetchSmall(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	pu, _ := url.Parse(u)
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", pu.Redacted(), err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, fmt.Errorf("GET %s: %w", pu.Redacted(), ErrRecordGone)
	default:
		return nil, fmt.Errorf("GET %s: %s", pu.Redacted(), resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDocSize+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", pu.Redacted(), err)
	}
	if len(b) > maxDocSize {
		return nil, fmt.Errorf("GET %s: record larger than %d bytes", pu.Redacted(), maxDocSize)
	}
	return b, nil
}
