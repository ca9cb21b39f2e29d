package crawl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFilterMatch(t *testing.T) {
	tests := []struct {
		filter, repo, tag string
		want              bool
	}{
		{"*", "a", "x", true},
		{"*", "a/b/c", "x", true},
		{"**", "a/b", "x", true},
		{"*:*", "a/b", "x", true},
		{"team/*", "team/app", "v1", true},
		{"team/*", "team/a/b", "v1", false},
		{"team/*", "team", "v1", false},
		{"team/**", "team", "v1", true},
		{"team/**", "team/a/b", "v1", true},
		{"team/**", "teamx/a", "v1", false},
		{"**/app", "app", "1", true},
		{"**/app", "x/y/app", "1", true},
		{"**/app", "x/y/app2", "1", false},
		{"a/**/b/**/c", "a/b/c", "1", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", "1", true},
		{"a/**/b/**/c", "a/x/y/c", "1", false},
		{"team/*:v*", "team/app", "v1.2", true},
		{"team/*:v*", "team/app", "latest", false},
		{"library/alpine:*", "library/alpine", "3.19", true},
		{"library/alpine", "library/alpine", "edge", true},
		{"library/alpine", "library/alpine2", "edge", false},
		{"app:1.[0-9]", "app", "1.5", true},
		{"app:1.[0-9]", "app", "1.10", false},
		{"a?c", "abc", "t", true},
		{"a?c", "a/c", "t", false},
		{" x:y ", "x", "y", true},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.filter)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.filter, err)
			continue
		}
		if got := f.Match(tt.repo, tt.tag); got != tt.want {
			t.Errorf("%q.Match(%q, %q) = %v, want %v", tt.filter, tt.repo, tt.tag, got, tt.want)
		}
	}
}

func TestParseFilterErrors(t *testing.T) {
	for _, s := range []string{"", "  ", ":v1", "app:", "a//b", "/a", "a/", "a/[", "app:[", "app@sha256:abc", "app:a/b"} {
		if _, err := ParseFilter(s); err == nil {
			t.Errorf("ParseFilter(%q) succeeded; want an error", s)
		}
	}
}

// TestParseNotificationFixtures parses webhook bodies captured from
// Debian's docker-registry (TestRealRegistryNotifications produces such
// bodies live). The expectation is read from each body: only tagged
// manifest pushes count.
func TestParseNotificationFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/notifications/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var raw struct {
				Events []map[string]any `json:"events"`
			}
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, e := range raw.Events {
				tgt := e["target"].(map[string]any)
				tag, _ := tgt["tag"].(string)
				mt, _ := tgt["mediaType"].(string)
				if e["action"] == "push" && tag != "" && (strings.Contains(mt, "manifest") || strings.Contains(mt, "index")) {
					want = append(want, tgt["repository"].(string)+":"+tag+"@"+tgt["digest"].(string))
				}
			}
			got, err := ParseNotification(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %+v, want %v", got, want)
			}
			for i, e := range got {
				if s := e.Repository + ":" + e.Tag + "@" + e.Digest; s != want[i] {
					t.Errorf("event %d: %s, want %s", i, s, want[i])
				}
			}
		})
	}
}

func TestParseNotification(t *testing.T) {
	const d = "sha256:485dd1da16a31c32733cb8fc72ea7bc82aa1280ecb99a22fb9b7f3911be512db"
	ev := func(action, mt, repo, tag, digest string) string {
		return `{"action":"` + action + `","target":{"mediaType":"` + mt + `","repository":"` + repo + `","tag":"` + tag + `","digest":"` + digest + `"},"request":{"host":"r:5000"}}`
	}
	const m = "application/vnd.docker.distribution.manifest.v2+json"
	tests := []struct {
		name string
		body string
		want int
		err  bool
	}{
		{"push", `{"events":[` + ev("push", m, "a/b", "v1", d) + `]}`, 1, false},
		{"pull ignored", `{"events":[` + ev("pull", m, "a/b", "v1", d) + `]}`, 0, false},
		{"delete ignored", `{"events":[` + ev("delete", m, "a/b", "v1", d) + `]}`, 0, false},
		{"blob ignored", `{"events":[` + ev("push", "application/octet-stream", "a/b", "", d) + `]}`, 0, false},
		{"untagged ignored", `{"events":[` + ev("push", m, "a/b", "", d) + `]}`, 0, false},
		{"mixed", `{"events":[` + ev("push", m, "a", "1", d) + `,` + ev("pull", m, "a", "1", d) + `,` + ev("push", "application/vnd.oci.image.index.v1+json", "b", "2", d) + `]}`, 2, false},
		{"empty list", `{"events":[]}`, 0, false},
		{"not json", `<html>`, 0, true},
		{"no events", `{"foo":1}`, 0, true},
		{"events not array", `{"events":{}}`, 0, true},
		{"trailing", `{"events":[]} {}`, 0, true},
		{"bad digest", `{"events":[` + ev("push", m, "a", "1", "sha256:zz") + `]}`, 0, true},
		{"bad repo", `{"events":[` + ev("push", m, "../a", "1", d) + `]}`, 0, true},
		{"bad tag", `{"events":[` + ev("push", m, "a", "-x", d) + `]}`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNotification([]byte(tt.body))
			if (err != nil) != tt.err || len(got) != tt.want {
				t.Errorf("got %d events, error %v; want %d, error %v", len(got), err, tt.want, tt.err)
			}
			for _, e := range got {
				if e.Host != "r:5000" || e.Digest != d {
					t.Errorf("event %+v: wrong host or digest", e)
				}
			}
		})
	}
}
