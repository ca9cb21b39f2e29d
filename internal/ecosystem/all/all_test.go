package all_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/version"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// TestDescriptorsAreWellFormed refuses a list in which two descriptors
// claim one name, os-release ID or language package type (the Set would
// silently keep the first), or a descriptor lacks what matching needs.
func TestDescriptorsAreWellFormed(t *testing.T) {
	names, ids, types := map[string]string{}, map[string]string{}, map[string]string{}
	claim := func(m map[string]string, k, who, what string) {
		t.Helper()
		if prev, ok := m[k]; ok {
			t.Errorf("%s %q claimed by both %s and %s", what, k, prev, who)
		}
		m[k] = who
	}
	for _, d := range all.Descriptors() {
		claim(names, strings.ToLower(d.Name), d.Name, "name")
		if strings.Contains(d.Name, ":") {
			t.Errorf("%s: a name cannot hold the release separator", d.Name)
		}
		if _, err := version.ForScheme(d.Scheme); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		if d.PURLType == "" || len(d.PackageTypes) == 0 {
			t.Errorf("%s: no purl type or package types", d.Name)
		}
		if d.Distro {
			if len(d.OSIDs) == 0 || d.Release == nil || d.Match == ecosystem.MatchName {
				t.Errorf("%s: a distribution needs os-release IDs, a Release function and a source/binary match rule", d.Name)
			}
			for _, id := range d.OSIDs {
				claim(ids, id, d.Name, "os-release ID")
			}
		} else {
			for _, ty := range d.PackageTypes {
				claim(types, ty, d.Name, "package type")
			}
		}
		if len(d.Feeds) == 0 {
			t.Errorf("%s: no default feed", d.Name)
		}
	}
}

// TestListDrivesEverything proves that the descriptor list alone decides
// ForOS, NormalizeEcosystem, version.For, purl types and namespaces, and
// the default feeds of `db update`: for every descriptor, each of them
// answers what the descriptor says, so a new ecosystem needs its folder
// and its line in all.Descriptors and no other edit.
func TestListDrivesEverything(t *testing.T) {
	urls := strings.Join(vulndbbuild.UpdateConfig{}.SourceURLs(), "\n") + "\n"
	for _, d := range all.Descriptors() {
		t.Run(d.Name, func(t *testing.T) {
			// version.For uses the descriptor's scheme.
			got, err := version.For(d.Key("1"))
			if err != nil {
				t.Fatalf("version.For: %v", err)
			}
			want, _ := version.ForScheme(d.Scheme)
			if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) {
				t.Errorf("version.For = %T, scheme %s gives %T", got, d.Scheme, want)
			}
			// The base name is found whatever its case.
			if n := advisory.NormalizeEcosystem(strings.ToUpper(d.Name)); advisory.Base(n) != d.Name {
				t.Errorf("NormalizeEcosystem(%q) = %q", strings.ToUpper(d.Name), n)
			}
			if advisory.IsDistroEcosystem(d.Key("1")) != d.Distro {
				t.Errorf("IsDistroEcosystem = %v", !d.Distro)
			}
			// Every default feed is fetched by `db update`.
			for _, f := range d.Feeds {
				for _, n := range f.OSVNames {
					u := vulndbbuild.DefaultOSVBaseURL + "/" + strings.ReplaceAll(n, " ", "%20") + "/all.zip\n"
					if !strings.Contains(urls, u) {
						t.Errorf("default sources lack %s", u)
					}
				}
				for _, u := range f.URLs {
					if !strings.Contains(urls, u+"\n") {
						t.Errorf("default sources lack %s", u)
					}
				}
			}
			if !d.Distro {
				for _, ty := range d.PackageTypes {
					if e := advisory.ForPackageType(ty); e != d.Name {
						t.Errorf("ForPackageType(%q) = %q", ty, e)
					}
					p := purl.Compute(report.Package{Type: ty, Name: "x", Version: "1"}, nil)
					if !strings.HasPrefix(p, "pkg:"+d.PURLType+"/") {
						t.Errorf("purl of a %s package = %s, want type %s", ty, p, d.PURLType)
					}
				}
				return
			}
			for _, id := range d.OSIDs {
				// Some release of each distribution has one of these
				// VERSION_IDs.
				var os *report.OS
				eco, ok := "", false
				for _, v := range []string{"15.4", "2", "3.0", "9.4"} {
					os = &report.OS{ID: id, VersionID: v, VersionCodename: "bookworm"}
					if eco, ok = advisory.ForOS(os); ok {
						break
					}
				}
				if !ok || advisory.Base(eco) != d.Name {
					t.Errorf("ForOS(%s) = %q, %v", id, eco, ok)
				}
				if advisory.NormalizeEcosystem(eco) != eco {
					t.Errorf("ForOS gives %q, which NormalizeEcosystem spells %q: the image would never meet its advisories", eco, advisory.NormalizeEcosystem(eco))
				}
				for _, ty := range d.PackageTypes {
					if !advisory.IsDistroType(ty) {
						t.Errorf("IsDistroType(%q) = false", ty)
					}
					ns := d.PURLNamespace
					if ns == "" {
						ns = id
					}
					p := purl.Compute(report.Package{Type: ty, Name: "x", Version: "1"}, os)
					if !strings.HasPrefix(p, "pkg:"+d.PURLType+"/"+ns+"/x@") {
						t.Errorf("purl on %s = %s, want pkg:%s/%s/x@...", id, p, d.PURLType, ns)
					}
				}
			}
		})
	}
}

// TestSetOfANewDescriptor is the newcomer's case: a descriptor the Set
// has never heard of is found by name, os-release ID and package type.
func TestSetOfANewDescriptor(t *testing.T) {
	fake := ecosystem.Descriptor{
		Name: "Fakix", Distro: true, OSIDs: []string{"fakix"},
		Release:          ecosystem.MajorRelease,
		NormalizeRelease: func(r string) string { return strings.TrimPrefix(r, "r") },
		PackageTypes:     []string{report.TypeRPM}, Scheme: ecosystem.SchemeRPM,
		Match: ecosystem.MatchBinary, PURLType: "rpm",
	}
	set := ecosystem.NewSet(append(all.Descriptors(), fake))
	if key, d, ok := set.ForOS(&report.OS{ID: "fakix", VersionID: "7.1"}); !ok || key != "Fakix:7" || d.Name != "Fakix" {
		t.Errorf("ForOS = %q %q %v", key, d.Name, ok)
	}
	if got := set.Normalize("fakix:r7"); got != "Fakix:7" {
		t.Errorf("Normalize = %q", got)
	}
	if _, ok := all.Default().Lookup("Fakix"); ok {
		t.Error("the default set knows an ecosystem it was never given")
	}
}
