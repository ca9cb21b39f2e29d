package ruby

import (
	"context"
	"errors"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
)

// As RubyGems 3.4 writes specifications/rake-13.0.6.gemspec.
const rakeSpec = `# -*- encoding: utf-8 -*-
# stub: rake 13.0.6 ruby lib

Gem::Specification.new do |s|
  s.name = "rake".freeze
  s.version = "13.0.6"

  s.required_rubygems_version = Gem::Requirement.new(">= 1.3.2".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { "bug_tracker_uri" => "https://github.com/ruby/rake/issues", "source_code_uri" => "https://github.com/ruby/rake/tree/v13.0.6" } if s.respond_to? :metadata=
  s.require_paths = ["lib".freeze]
  s.authors = ["Hiroshi SHIBATA".freeze, "Eric Hodel".freeze, "Jim Weirich".freeze]
  s.date = "2021-07-09"
  s.description = "Rake is a Make-like program implemented in Ruby. s.name = \"fake\"".freeze
  s.rubygems_version = "3.4.10".freeze
  s.summary = "Rake is a Make-like program implemented in Ruby".freeze

  s.installed_by_version = "3.4.10" if s.respond_to? :installed_by_version
end
`

// As RubyGems 1.3 wrote them.
const oldSpec = `# -*- encoding: utf-8 -*-

Gem::Specification.new do |s|
  s.name = %q{rack}
  s.version = "1.1.0"
end
`

func TestParseGemspec(t *testing.T) {
	tests := []struct {
		name, in, wantName, wantVer, purl string
		wantErr                           bool
	}{
		{"rubygems 3", rakeSpec, "rake", "13.0.6", "pkg:gem/rake@13.0.6", false},
		{"rubygems 1.3", oldSpec, "rack", "1.1.0", "pkg:gem/rack@1.1.0", false},
		{"single quotes, Gem::Version", "spec.name = 'json'\nspec.version = Gem::Version.new(\"2.6.3\")\n", "json", "2.6.3", "pkg:gem/json@2.6.3", false},
		{"stub line only", "# stub: bigdecimal 3.1.1 ruby lib\nGem::Specification.new do |s|\n  s.name = NAME\nend\n", "bigdecimal", "3.1.1", "pkg:gem/bigdecimal@3.1.1", false},
		{"platform gem", "# stub: nokogiri 1.15.4 x86_64-linux lib\n  s.name = \"nokogiri\".freeze\n  s.version = \"1.15.4\"\n  s.platform = \"x86_64-linux\".freeze\n", "nokogiri", "1.15.4", "pkg:gem/nokogiri@1.15.4", false},
		{"no version", "  s.name = \"x\"\n", "", "", "", true},
		{"empty", "", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseGemspec([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("%v does not wrap ErrMalformed", err)
				}
				return
			}
			if p.Name != tt.wantName || p.Version != tt.wantVer || p.PURL != tt.purl || p.Type != report.TypeGem {
				t.Errorf("got %+v", p)
			}
		})
	}
}

func TestWants(t *testing.T) {
	a := New()
	for p, want := range map[string]bool{
		"usr/local/bundle/specifications/rake-13.0.6.gemspec":               true,
		"usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec": true,
		"specifications/x-1.gemspec":                                        true,
		"usr/local/bundle/gems/rake-13.0.6/rake.gemspec":                    false,
		"usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec.bak":    false,
		"usr/lib/ruby/gems/3.1.0/specifications/sub/dir/x.gemspec":          false,
	} {
		if got := a.Wants(p, 0o644, 1); got != want {
			t.Errorf("Wants(%q) = %v", p, got)
		}
	}
	res, err := a.Analyze(context.Background(), "specifications/rake-13.0.6.gemspec", []byte(rakeSpec))
	if err != nil || res.Packages[0].Path != "specifications/rake-13.0.6.gemspec" {
		t.Errorf("Analyze: %+v, %v", res, err)
	}
}

func FuzzGemspec(f *testing.F) {
	f.Add([]byte(rakeSpec))
	f.Add([]byte(oldSpec))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseGemspec(b)
		if err == nil && (p.Name == "" || p.Version == "") {
			t.Fatalf("incomplete %+v", p)
		}
	})
}
