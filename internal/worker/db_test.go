package worker_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// TestWorkerMatchesWithDB scans with a vulnerability database built from
// the Alpine secdb subset: the stored report carries the database digest
// and the same findings as a standalone scan against the same file.
func TestWorkerMatchesWithDB(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "vuln.db")
	info, err := vulndbbuild.Build(ctx, dbPath, []string{testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")}, vulndbbuild.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	br := newBlobRegistry(t)
	images := pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/alp", 1)

	base, tok := newController(t, io.Discard, time.Minute)
	reg := api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + br.host}}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries", tok, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	fleettest.Do(t, "POST", base+"/api/v1/registries/r/scan", tok, nil, nil)
	wctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		errc <- worker.Run(wctx, worker.Config{ControllerURL: base, Token: tok, DBPath: dbPath, PollInterval: 50 * time.Millisecond})
	}()
	fleettest.WaitDrained(t, base, tok, 1, 60*time.Second)
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}

	var got report.Report
	if code := fleettest.Do(t, "GET", base+"/api/v1/images/"+images[0].digest, tok, nil, &got); code != 200 {
		t.Fatalf("get image: %d", code)
	}
	if got.DB == nil || got.DB.Digest != info.Digest {
		t.Errorf("report DB %+v, want digest %s", got.DB, info.Digest)
	}
	var scs []api.Scanner
	fleettest.Do(t, "GET", base+"/api/v1/scanners", tok, nil, &scs)
	if len(scs) != 1 || scs[0].DBDigest != info.Digest {
		t.Errorf("scanner DB digest: %+v", scs)
	}

	db, err := vulndb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	src, err := source.Open(ctx, br.host+"/team/alp@"+images[0].digest, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s := &scan.Scanner{Analyzers: all.Analyzers(), AnalyzersVersion: all.Version(), OSPriority: all.OSPriority}
	want, err := s.Scan(ctx, scan.Target{Image: src.Image, Reference: src.Reference}, scan.Options{Matcher: scan.StoreMatcher{Store: db}})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(vs []report.Vulnerability) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.ID+" "+v.Package+" "+v.InstalledVersion)
		}
		slices.Sort(out)
		return out
	}
	if g, w := ids(got.Vulnerabilities), ids(want.Vulnerabilities); !slices.Equal(g, w) {
		t.Errorf("fleet findings %v\nstandalone %v", g, w)
	}
	t.Logf("%d findings", len(got.Vulnerabilities))
}
