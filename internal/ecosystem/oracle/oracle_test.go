package oracle_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// vuln-list keeps of each ELSA definition its title, platforms, references
// and the criteria tree with the criteria's comments; the comments say
// everything the tests do ("gnutls is earlier than 0:3.6.16-4.el8").
type vlCriteria struct {
	Operator   string
	Criterias  []vlCriteria
	Criterions []struct{ Comment string }
}

type vlELSA struct {
	Title, Description string
	Platform           []string
	References         []struct{ Source, URI, ID string }
	Criteria           vlCriteria
}

var earlier = regexp.MustCompile(`^(\S*) is earlier than (\S+)$`)

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

// elsaOVAL writes the definitions as Oracle's OVAL file does: each
// "is earlier than" and "is signed with" comment an rpminfo test of an
// object (the package) and a state (the EVR, or the signing key); "Oracle
// Linux N is installed" a test of oraclelinux-release's version.
func elsaOVAL(t *testing.T, elsas []vlELSA) []byte {
	t.Helper()
	var defs, tests, objects, states strings.Builder
	n := 0
	obj := map[string]string{}
	object := func(name string) string {
		if id, ok := obj[name]; ok {
			return id
		}
		id := fmt.Sprintf("oval:com.oracle.elsa:obj:%d", len(obj)+1)
		obj[name] = id
		objects.WriteString(`<rpminfo_object xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" id="` + id + `" version="501"><name>` + esc(name) + "</name></rpminfo_object>\n")
		return id
	}
	var criteria func(c vlCriteria)
	criteria = func(c vlCriteria) {
		defs.WriteString(`<criteria operator="` + esc(c.Operator) + `">`)
		for _, cr := range c.Criterions {
			n++
			tid := fmt.Sprintf("oval:com.oracle.elsa:tst:%d", n)
			sid := fmt.Sprintf("oval:com.oracle.elsa:ste:%d", n)
			var state string
			var oid string
			switch m := earlier.FindStringSubmatch(cr.Comment); {
			case m != nil:
				oid = object(m[1])
				state = `<evr datatype="evr_string" operation="less than">` + esc(m[2]) + "</evr>"
			case strings.Contains(cr.Comment, " is signed with "):
				oid = object(strings.Fields(cr.Comment)[0])
				state = `<signature_keyid operation="equals">72f97b74ec551f03</signature_keyid>`
			case strings.HasSuffix(cr.Comment, " is installed"):
				oid = object("oraclelinux-release")
				state = `<version operation="pattern match">^` + strings.Fields(cr.Comment)[2] + `</version>`
			}
			if oid != "" {
				tests.WriteString(`<rpminfo_test xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" check="at least one" comment="` + esc(cr.Comment) + `" id="` + tid + `" version="501"><object object_ref="` + oid + `"/><state state_ref="` + sid + `"/></rpminfo_test>` + "\n")
				states.WriteString(`<rpminfo_state xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" id="` + sid + `" version="501">` + state + "</rpminfo_state>\n")
			}
			defs.WriteString(`<criterion comment="` + esc(cr.Comment) + `" test_ref="` + tid + `"/>`)
		}
		for _, sub := range c.Criterias {
			criteria(sub)
		}
		defs.WriteString("</criteria>")
	}
	for i, e := range elsas {
		defs.WriteString(fmt.Sprintf(`<definition id="oval:com.oracle.elsa:def:%d" version="501" class="patch"><metadata><title>%s</title><affected family="unix">`, i+1, esc(e.Title)))
		for _, p := range e.Platform {
			defs.WriteString("<platform>" + esc(p) + "</platform>")
		}
		defs.WriteString("</affected>")
		for _, r := range e.References {
			defs.WriteString(`<reference source="` + esc(r.Source) + `" ref_id="` + esc(r.ID) + `" ref_url="` + esc(r.URI) + `"/>`)
		}
		defs.WriteString("<description>" + esc(e.Description) + "</description></metadata>")
		criteria(e.Criteria)
		defs.WriteString("</definition>\n")
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
<generator><oval:product_name>Oracle Errata OVAL</oval:product_name><oval:schema_version>5.3</oval:schema_version></generator>
<definitions>` + defs.String() + "</definitions>\n<tests>" + tests.String() + "</tests>\n<objects>" + objects.String() + "</objects>\n<states>" + states.String() + "</states>\n</oval_definitions>\n")
}

// TestOracleLinux8EndToEnd: an Oracle Linux 8.10 image (real os-release;
// rpm database written by Debian's rpm with real OL8 package versions, as
// no real one exists in the data) against the shared ELSA definitions
// written as Oracle's OVAL file, through vulndb.Build. Expected findings
// are computed here from the criteria comments: a branch is its release's
// ("Oracle Linux 8 is installed"); ksplice and FIPS builds' fixes do not
// apply to ordinary packages (the installed glibc would otherwise be
// "below" 2:2.28-151.0.1.ksplice1.el8 by its epoch alone).
func TestOracleLinux8EndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "oracle")
	files, _ := filepath.Glob(filepath.Join(dir, "elsa-oval-vulnlist", "ELSA-*.json"))
	var elsas []vlELSA
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var e vlELSA
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		elsas = append(elsas, e)
	}
	feed := filepath.Join(t.TempDir(), "com.oracle.elsa-all.xml")
	if err := os.WriteFile(feed, elsaOVAL(t, elsas), 0o644); err != nil {
		t.Fatal(err)
	}
	installed := []ecosystemtest.RPM{
		{Name: "gnutls", Version: "3.6.16", Release: "3.el8", Arch: "x86_64"},
		{Name: "nettle", Version: "3.4.1", Release: "7.el8", Arch: "x86_64"},
		{Name: "glibc", Version: "2.28", Release: "151.0.1.el8", Arch: "x86_64"},
		{Name: "kernel-uek", Version: "5.4.17", Release: "2102.201.3.el8uek", Arch: "x86_64"},
		// Below Oracle Linux 7's bash fix: not this image's release.
		{Name: "bash", Version: "4.2.45", Release: "1.el7", Arch: "x86_64"},
	}
	var want []ecosystemtest.Finding
	var walk func(c vlCriteria, rel, id string)
	walk = func(c vlCriteria, rel, id string) {
		for _, cr := range c.Criterions {
			if strings.HasSuffix(cr.Comment, "ksplice-based") || strings.HasSuffix(cr.Comment, "fips patched") {
				return
			}
			if strings.HasPrefix(cr.Comment, "Oracle Linux ") && strings.HasSuffix(cr.Comment, " is installed") {
				rel = strings.Fields(cr.Comment)[2]
			}
		}
		for _, cr := range c.Criterions {
			m := earlier.FindStringSubmatch(cr.Comment)
			if m == nil || rel != "8" {
				continue
			}
			fixed := strings.TrimPrefix(m[2], "0:")
			for _, p := range installed {
				if p.Name == m[1] && ecosystemtest.RPMVercmp(t, p.EVR(), fixed) < 0 {
					want = append(want, ecosystemtest.Finding{Package: p.Name, Installed: p.EVR(), Fixed: fixed, Advisory: id})
				}
			}
		}
		for _, sub := range c.Criterias {
			walk(sub, rel, id)
		}
	}
	for _, e := range elsas {
		walk(e.Criteria, "", strings.TrimSuffix(strings.Fields(e.Title)[0], ":"))
	}
	// One finding per package and advisory, with the lowest fix above
	// the installed version (a definition lists each arch's build; the
	// scanner does not tell arches apart).
	best := map[string]ecosystemtest.Finding{}
	var order []string
	for _, f := range want {
		k := f.Package + " " + f.Advisory
		b, ok := best[k]
		if !ok {
			order = append(order, k)
		}
		if !ok || ecosystemtest.RPMVercmp(t, f.Fixed, b.Fixed) < 0 {
			best[k] = f
		}
	}
	want = want[:0]
	for _, k := range order {
		want = append(want, best[k])
	}
	t.Logf("expected %v", want)
	if len(want) < 2 {
		t.Fatalf("expected findings %v: the chosen packages do not exercise the data", want)
	}
	rep := ecosystemtest.Scan(t, []string{feed},
		ecosystemtest.File(t, filepath.Join(dir, "os-release"), "etc/os-release"),
		imagebuild.File{Path: "var/lib/rpm/rpmdb.sqlite", Content: ecosystemtest.RPMDB(t, installed...)})
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
	if c := ecosystemtest.Coverage(t, rep, "Oracle Linux:8"); !c.Covered || c.Note != "" {
		t.Errorf("coverage = %+v", c)
	}
}
