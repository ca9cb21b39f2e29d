package php

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Abridged from a real Laravel composer.lock (Composer 2.5).
const composerLock = `{
    "_readme": [
        "This file locks the dependencies of your project to a known state",
        "This file is @generated automatically"
    ],
    "content-hash": "9c49b2a9f3b3b1f3d5f1e4b7b7ad3c61",
    "packages": [
        {
            "name": "guzzlehttp/guzzle",
            "version": "7.5.0",
            "source": {"type": "git", "url": "https://github.com/guzzle/guzzle.git", "reference": "b50a2a1251152e43f6a37f0fa053e730a67d25ba"},
            "require": {"php": "^7.2.5 || ^8.0"},
            "type": "library"
        },
        {
            "name": "laravel/framework",
            "version": "v9.52.4",
            "type": "library"
        },
        {
            "name": "acme/internal",
            "version": "dev-main",
            "type": "library"
        }
    ],
    "packages-dev": [
        {"name": "phpunit/phpunit", "version": "9.6.4", "type": "library"}
    ],
    "aliases": [],
    "minimum-stability": "stable",
    "platform": {"php": "^8.0.2"},
    "plugin-api-version": "2.3.0"
}`

const installedV2 = `{
    "packages": [
        {"name": "guzzlehttp/guzzle", "version": "7.5.0", "version_normalized": "7.5.0.0", "type": "library", "install-path": "../guzzlehttp/guzzle"},
        {"name": "phpunit/phpunit", "version": "9.6.4", "version_normalized": "9.6.4.0", "type": "library", "install-path": "../phpunit/phpunit"}
    ],
    "dev": true,
    "dev-package-names": ["phpunit/phpunit"]
}`

const installedV1 = `[
    {"name": "monolog/monolog", "version": "1.25.1", "version_normalized": "1.25.1.0", "type": "library"},
    {"name": "psr/log", "version": "1.1.0", "type": "library"}
]`

func TestParse(t *testing.T) {
	tests := []struct {
		name, path, in string
		want           []string
		wantErr        bool
	}{
		{"composer.lock", "app/composer.lock", composerLock, []string{"guzzlehttp/guzzle@7.5.0 pkg:composer/guzzlehttp/guzzle@7.5.0", "laravel/framework@v9.52.4 pkg:composer/laravel/framework@v9.52.4"}, false},
		{"installed.json v2", "app/vendor/composer/installed.json", installedV2, []string{"guzzlehttp/guzzle@7.5.0 pkg:composer/guzzlehttp/guzzle@7.5.0", "phpunit/phpunit@9.6.4 pkg:composer/phpunit/phpunit@9.6.4"}, false},
		{"installed.json v1", "vendor/composer/installed.json", installedV1, []string{"monolog/monolog@1.25.1 pkg:composer/monolog/monolog@1.25.1", "psr/log@1.1.0 pkg:composer/psr/log@1.1.0"}, false},
		{"empty lock", "composer.lock", `{"packages": []}`, nil, false},
		{"lock without packages", "composer.lock", `{"name": "x"}`, nil, true},
		{"truncated", "composer.lock", composerLock[:200], nil, true},
		{"installed not json", "vendor/composer/installed.json", "<?php return [];", nil, true},
	}
	a := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !a.Wants(tt.path, 0o644, 1) {
				t.Fatalf("%s not wanted", tt.path)
			}
			res, err := a.Analyze(context.Background(), tt.path, []byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("%v does not wrap ErrMalformed", err)
			}
			var got []string
			if res != nil {
				for _, p := range res.Packages {
					got = append(got, p.Name+"@"+p.Version+" "+p.PURL)
					if p.Path != tt.path || p.Type != report.TypeComposer {
						t.Errorf("bad %+v", p)
					}
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if a.Wants("app/vendor/composer/installed.php", 0o644, 1) || a.Wants("app/composer.json", 0o644, 1) ||
		a.Wants("app/vendor/guzzlehttp/guzzle/composer.lock", 0o644, 1) {
		t.Error("wants unrelated files")
	}
}

func FuzzComposer(f *testing.F) {
	f.Add([]byte(composerLock))
	f.Add([]byte(installedV1))
	f.Add([]byte(installedV2))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) ([]report.Package, error){ParseLock, ParseInstalled} {
			pkgs, err := parse(b)
			if err != nil && pkgs != nil {
				t.Fatal("packages with error")
			}
		}
	})
}
