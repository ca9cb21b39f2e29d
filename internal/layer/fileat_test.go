package layer

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"reflect"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
)

// AnalyzeFileAt (a host's files, read in place) finds what AnalyzeFile (a
// layer's stream) finds, file by file and analyzer by analyzer.
func TestAnalyzeFileAtMatchesStream(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	exe, err := os.ReadFile(self)
	if err != nil {
		t.Skip(err)
	}
	tests := []struct {
		name    string
		path    string
		mode    fs.FileMode
		content []byte
		found   bool
	}{
		{"Go executable", "usr/local/bin/tool", 0o755, exe, true},
		{"not executable", "usr/local/bin/tool.bak", 0o644, exe, false},
		{"npm manifest", "app/node_modules/x/package.json", 0o644, []byte(`{"name":"x","version":"1.0.0"}`), true},
		{"dpkg status", "var/lib/dpkg/status", 0o644, []byte("Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n"), true},
		{"shell script", "usr/bin/run", 0o755, []byte("#!/bin/sh\nexit 0\n"), false},
		{"broken jar", "opt/app.jar", 0o644, []byte("PK not a zip"), true},
	}
	ans := all.Analyzers()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := int64(len(tt.content))
			want, _, err := AnalyzeFile(context.Background(), ans, tt.path, tt.mode, size, bytes.NewReader(tt.content))
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := AnalyzeFileAt(context.Background(), ans, tt.path, tt.mode, size, bytes.NewReader(tt.content))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("in place %+v, streamed %+v", got, want)
			}
			found := false
			for _, f := range got {
				found = found || f.Result != nil || f.Err != ""
			}
			if found != tt.found {
				t.Errorf("found something: %v, want %v (%+v)", found, tt.found, got)
			}
		})
	}
}
