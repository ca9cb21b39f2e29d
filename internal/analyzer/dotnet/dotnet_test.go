package dotnet

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
)

// As `dotnet publish` (SDK 7) writes it for a small web API.
const depsJSON = `{
  "runtimeTarget": {
    "name": ".NETCoreApp,Version=v7.0",
    "signature": ""
  },
  "compilationOptions": {},
  "targets": {
    ".NETCoreApp,Version=v7.0": {
      "WebApi/1.0.0": {
        "dependencies": {
          "Newtonsoft.Json": "13.0.1",
          "Swashbuckle.AspNetCore": "6.4.0",
          "Shared": "1.0.0"
        },
        "runtime": {"WebApi.dll": {}}
      },
      "Newtonsoft.Json/13.0.1": {
        "runtime": {"lib/netstandard2.0/Newtonsoft.Json.dll": {"assemblyVersion": "13.0.0.0", "fileVersion": "13.0.1.25517"}}
      }
    }
  },
  "libraries": {
    "WebApi/1.0.0": {
      "type": "project",
      "serviceable": false,
      "sha512": ""
    },
    "Newtonsoft.Json/13.0.1": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A==",
      "path": "newtonsoft.json/13.0.1",
      "hashPath": "newtonsoft.json.13.0.1.nupkg.sha512"
    },
    "Microsoft.OpenApi/1.2.3": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-x",
      "path": "microsoft.openapi/1.2.3"
    },
    "Swashbuckle.AspNetCore/6.4.0": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-y"
    },
    "Shared/1.0.0": {
      "type": "project",
      "serviceable": false,
      "sha512": ""
    },
    "System.Legacy/4.0.0.0": {
      "type": "reference",
      "serviceable": false,
      "sha512": ""
    }
  }
}`

func TestParseDepsJSON(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		wantErr  bool
	}{
		{"publish output", depsJSON, []string{
			"Microsoft.OpenApi@1.2.3 pkg:nuget/Microsoft.OpenApi@1.2.3",
			"Newtonsoft.Json@13.0.1 pkg:nuget/Newtonsoft.Json@13.0.1",
			"Swashbuckle.AspNetCore@6.4.0 pkg:nuget/Swashbuckle.AspNetCore@6.4.0",
		}, false},
		{"bad keys skipped", `{"libraries":{"NoVersion":{"type":"package"},"Trailing/":{"type":"package"},"/1.0":{"type":"package"}}}`, nil, false},
		{"no libraries", `{"targets":{}}`, nil, true},
		{"libraries wrong type", `{"libraries":[]}`, nil, true},
		{"truncated", depsJSON[:300], nil, true},
	}
	a := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := a.Analyze(context.Background(), "app/WebApi.deps.json", []byte(tt.in))
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
					if p.Path != "app/WebApi.deps.json" || p.Type != report.TypeNuGet {
						t.Errorf("bad %+v", p)
					}
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if !a.Wants("app/WebApi.deps.json", 0o644, 1) || a.Wants("app/WebApi.runtimeconfig.json", 0o644, 1) {
		t.Error("Wants")
	}
}

func FuzzDepsJSON(f *testing.F) {
	f.Add([]byte(depsJSON))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, err := ParseDepsJSON(b)
		if err != nil && pkgs != nil {
			t.Fatal("packages with error")
		}
	})
}
