package crawl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"*", "**", "team/*:v*", "library/alpine:*", "library/alpine", "a/**/b/**/c", "app:1.[0-9]", "a/[", "x:[^a]", ":v", "a//b", "**/**/**/**/**/**/x"} {
		f.Add(s, "team/sub/app", "v1.2")
	}
	f.Fuzz(func(t *testing.T, s, repo, tag string) {
		flt, err := ParseFilter(s)
		if err != nil {
			return
		}
		// Re-parsing the printed form gives a filter that agrees.
		again, err := ParseFilter(flt.String())
		if err != nil {
			t.Fatalf("ParseFilter(%q) ok but its String %q does not parse: %v", s, flt.String(), err)
		}
		m := flt.Match(repo, tag)
		if again.Match(repo, tag) != m {
			t.Fatalf("%q and its re-parse disagree on %q:%q", s, repo, tag)
		}
		if m && !flt.MatchRepository(repo) {
			t.Fatalf("%q matches %q:%q but not the repository", s, repo, tag)
		}
		// A repository-only filter selects every tag.
		if !strings.Contains(strings.TrimSpace(s), ":") && flt.MatchRepository(repo) && !flt.Match(repo, tag) {
			t.Fatalf("repository-only %q rejects tag %q of %q", s, tag, repo)
		}
	})
}

func FuzzParseNotification(f *testing.F) {
	files, _ := filepath.Glob("testdata/notifications/*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"events":[{"action":"pull","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","repository":"a","tag":"1","digest":"sha256:485dd1da16a31c32733cb8fc72ea7bc82aa1280ecb99a22fb9b7f3911be512db"}}]}`))
	f.Add([]byte(`{"events":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := ParseNotification(b)
		if err != nil {
			return
		}
		for _, e := range evs {
			if !validRepository(e.Repository) || !validTag(e.Tag) || !isManifestType(e.MediaType) || !strings.Contains(e.Digest, ":") {
				t.Fatalf("invalid event accepted: %+v", e)
			}
		}
	})
}

func FuzzNextLink(f *testing.F) {
	for _, s := range []string{`</v2/_catalog?last=b&n=2>; rel="next"`, `</a>; rel="prev", </b>; rel="next"`, `<x>`, `<`, `<a>;rel=`, `<a>, <b>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := nextLink([]string{s})
		if err == nil && got != "" && !strings.Contains(s, "<"+got+">") {
			t.Fatalf("nextLink(%q) = %q, which is not a bracketed target of the header", s, got)
		}
	})
}

// FuzzParseWebhook: no body makes a parser panic, and every push it
// accepts names a valid repository and tag and, when it has one, a
// valid digest.
func FuzzParseWebhook(f *testing.F) {
	kinds := []string{"generic", "harbor", "quay", "dockerhub", "acr", "ecr"}
	for i, k := range kinds[1:] {
		b, err := os.ReadFile(filepath.Join("testdata", "webhooks", k+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i+1), b)
	}
	f.Add(uint8(0), []byte(`{"events":[]}`))
	f.Add(uint8(5), []byte(`{"detail-type":"ECR Image Action","source":"aws.ecr","detail":{"result":"SUCCESS","action-type":"PUSH","repository-name":"a","image-tag":"v1"}}`))
	f.Fuzz(func(t *testing.T, k uint8, b []byte) {
		kind := kinds[int(k)%len(kinds)]
		evs, err := ParseWebhook(kind, b)
		if err != nil {
			return
		}
		for _, e := range evs {
			if !validRepository(e.Repository) || !validTag(e.Tag) {
				t.Fatalf("%s: accepted push %+v with an invalid name", kind, e)
			}
			if e.Digest != "" && !strings.HasPrefix(e.Digest, "sha256:") && !strings.HasPrefix(e.Digest, "sha512:") {
				t.Fatalf("%s: accepted digest %q", kind, e.Digest)
			}
		}
	})
}
