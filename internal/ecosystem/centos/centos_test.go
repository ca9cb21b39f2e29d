package centos_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// def is one definition of the test's Red Hat OVAL document: each branch
// "<platform> is installed" AND ("<pkg> is earlier than <evr>" AND "signed
// with Red Hat key"), optionally guarded by a module stream.
type def struct {
	id, platform, module, pkg, evr string
}

// redHatOVAL writes definitions in the shape of Red Hat's OVAL v2 files
// (rhel-8.oval.xml): rpminfo tests of rpminfo objects and states, the
// release checked on redhat-release, signatures by key id. The ids are
// the test's own (RHSA-TEST:…). Real Red Hat data is matched in
// TestCentOSStream8RealOVAL; this generated document stays for what the
// real sample lacks: module-stream definitions ("Module X:S is enabled",
// which the public OVAL v2 samples carry without their tests) and a RHEL
// 7 definition beside RHEL 8 ones.
func redHatOVAL(defs []def) []byte {
	var d, tests, objs, states strings.Builder
	n := 0
	test := func(comment, object, state string) string {
		n++
		fmt.Fprintf(&objs, `<red-def:rpminfo_object id="oval:com.redhat.rhsa:obj:%d" version="1"><red-def:name>%s</red-def:name></red-def:rpminfo_object>`+"\n", n, object)
		fmt.Fprintf(&states, `<red-def:rpminfo_state id="oval:com.redhat.rhsa:ste:%d" version="1">%s</red-def:rpminfo_state>`+"\n", n, state)
		fmt.Fprintf(&tests, `<red-def:rpminfo_test check="at least one" comment="%s" id="oval:com.redhat.rhsa:tst:%d" version="1"><red-def:object object_ref="oval:com.redhat.rhsa:obj:%d"/><red-def:state state_ref="oval:com.redhat.rhsa:ste:%d"/></red-def:rpminfo_test>`+"\n", comment, n, n, n)
		return fmt.Sprintf(`<criterion comment="%s" test_ref="oval:com.redhat.rhsa:tst:%d"/>`, comment, n)
	}
	for i, x := range defs {
		fmt.Fprintf(&d, `<definition class="patch" id="oval:com.redhat.rhsa:def:%d" version="1"><metadata><title>%s: %s security update (Important)</title><affected family="unix"><platform>%s</platform></affected><reference ref_id="%s" ref_url="https://access.redhat.com/errata/%s" source="RHSA"/><reference ref_id="CVE-2099-%04d" ref_url="https://access.redhat.com/security/cve/CVE-2099-%04d" source="CVE"/><description>t</description><advisory from="secalert@redhat.com"><severity>Important</severity><cve>CVE-2099-%04d</cve></advisory></metadata>`,
			i+1, x.id, x.pkg, x.platform, x.id, x.id, i+1, i+1, i+1)
		d.WriteString(`<criteria operator="OR">` + test("Red Hat Enterprise Linux must be installed", "redhat-release", `<red-def:signature_keyid operation="equals">199e2f91fd431d51</red-def:signature_keyid>`))
		d.WriteString(`<criteria operator="AND">` + test(x.platform+" is installed", "redhat-release", `<red-def:version operation="pattern match">^`+strings.Fields(x.platform)[4]+`[^\d]</red-def:version>`))
		if x.module != "" {
			d.WriteString(`<criterion comment="Module ` + x.module + ` is enabled" test_ref="oval:com.redhat.cve:tst:module"/>`)
		}
		d.WriteString(`<criteria operator="AND">`)
		d.WriteString(test(x.pkg+" is earlier than "+x.evr, x.pkg, `<red-def:evr datatype="evr_string" operation="less than">`+x.evr+`</red-def:evr>`))
		d.WriteString(test(x.pkg+" is signed with Red Hat redhatrelease2 key", x.pkg, `<red-def:signature_keyid operation="equals">199e2f91fd431d51</red-def:signature_keyid>`))
		d.WriteString("</criteria></criteria></criteria></definition>\n")
	}
	return []byte(`<?xml version="1.0" encoding="utf-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:red-def="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux">
<generator><oval:product_name>Red Hat OVAL Patch Definition Merger</oval:product_name><oval:schema_version>5.10</oval:schema_version></generator>
<definitions>` + d.String() + "</definitions>\n<tests>" + tests.String() + "</tests>\n<objects>" + objs.String() + "</objects>\n<states>" + states.String() + "</states>\n</oval_definitions>\n")
}

// TestCentOSStream8EndToEnd scans the real EL8 BerkeleyDB rpm database of
// the shared data (libuuid-2.32.1-42.el8_8 alone) as a CentOS Stream 8
// image (real os-release) against a Red Hat OVAL document through
// vulndb.Build. Expected findings are computed with rpm.vercmp from the
// definitions that apply: RHEL 8's, not a module stream's, and not RHEL
// 7's; coverage says the release has reached end of life.
func TestCentOSStream8EndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "centos")
	defs := []def{
		{id: "RHSA-TEST:0001", platform: "Red Hat Enterprise Linux 8", pkg: "libuuid", evr: "0:2.32.1-43.el8"},
		{id: "RHSA-TEST:0002", platform: "Red Hat Enterprise Linux 8", pkg: "libuuid", evr: "0:2.32.1-42.el8_8"},
		{id: "RHSA-TEST:0003", platform: "Red Hat Enterprise Linux 7", pkg: "libuuid", evr: "0:2.40-1.el7"},
		{id: "RHSA-TEST:0004", platform: "Red Hat Enterprise Linux 8", module: "util-linux:next", pkg: "libuuid", evr: "0:2.40-1.module+el8"},
	}
	const installed = "2.32.1-42.el8_8"
	var want []ecosystemtest.Finding
	for _, d := range defs {
		fixed := strings.TrimPrefix(d.evr, "0:")
		if d.platform == "Red Hat Enterprise Linux 8" && d.module == "" && ecosystemtest.RPMVercmp(t, installed, fixed) < 0 {
			want = append(want, ecosystemtest.Finding{Package: "libuuid", Installed: installed, Fixed: fixed, Advisory: d.id})
		}
	}
	feed := filepath.Join(t.TempDir(), "rhel-8.oval.xml")
	if err := os.WriteFile(feed, redHatOVAL(defs), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := ecosystemtest.Scan(t, []string{feed},
		ecosystemtest.File(t, filepath.Join(dir, "os-release.centos-stream"), "etc/os-release"),
		ecosystemtest.File(t, filepath.Join(dir, "el8-libuuid-only/var/lib/rpm/Packages"), "var/lib/rpm/Packages"))
	if len(rep.Packages) != 1 || rep.Packages[0].Version != installed {
		t.Fatalf("packages %+v", rep.Packages)
	}
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
	c := ecosystemtest.Coverage(t, rep, "CentOS:8")
	if !c.Covered || !strings.Contains(c.Note, "end of life") {
		t.Errorf("coverage = %+v", c)
	}
}
