package report_test

import (
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Every package type report declares is claimed by the ecosystem
// descriptors: a distribution type by some distribution, a language type
// by exactly the ecosystem whose purl type it maps to. A type an analyzer
// emits that no descriptor claims would be reported and never matched.
func TestPackageTypesClaimed(t *testing.T) {
	set := all.Default()
	for _, tc := range []struct {
		typ, purl string
	}{
		{report.TypeDeb, "deb"}, {report.TypeAPK, "apk"}, {report.TypeRPM, "rpm"},
		{report.TypeGoModule, "golang"}, {report.TypeMaven, "maven"}, {report.TypePyPI, "pypi"},
		{report.TypeNPM, "npm"}, {report.TypeGem, "gem"}, {report.TypeCargo, "cargo"},
		{report.TypeComposer, "composer"}, {report.TypeNuGet, "nuget"},
	} {
		if report.IsOSType(tc.typ) {
			if !set.IsDistroType(tc.typ) {
				t.Errorf("%s: no distribution descriptor claims it", tc.typ)
			}
			continue
		}
		d, ok := set.ForPackageType(tc.typ)
		if !ok {
			t.Errorf("%s: no ecosystem descriptor claims it", tc.typ)
			continue
		}
		if d.PURLType != tc.purl || d.PackageTypes[0] != tc.typ {
			t.Errorf("%s: claimed by %s (purl type %q, first package type %q), want purl type %q with %s first",
				tc.typ, d.Name, d.PURLType, d.PackageTypes[0], tc.purl, tc.typ)
		}
	}
}
