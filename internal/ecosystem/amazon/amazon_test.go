package amazon_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// alas is vuln-list's JSON form of an ALAS advisory: the fields of
// updateinfo.xml's <update>, one for one.
type alas struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
	Issued      struct {
		Date string `json:"date"`
	} `json:"issued"`
	Packages []struct {
		Name, Epoch, Version, Release, Arch, Filename string
	} `json:"packages"`
	References []struct {
		Href, ID, Type string
	} `json:"references"`
}

func readALAS(t *testing.T, dir string) map[string][]alas {
	t.Helper()
	out := map[string][]alas{}
	for _, rel := range []string{"1", "2", "2022"} {
		files, _ := filepath.Glob(filepath.Join(dir, "alas-vulnlist", rel, "*.json"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var a alas
			if err := json.Unmarshal(b, &a); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[rel] = append(out[rel], a)
		}
	}
	return out
}

// updateInfo writes the advisories back in updateinfo.xml's own form, as
// a yum repository serves them.
func updateInfo(t *testing.T, advs []alas) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<updates>\n")
	esc := func(s string) string {
		var e bytes.Buffer
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	for _, a := range advs {
		b.WriteString(`<update author="linux-security@amazon.com" from="linux-security@amazon.com" status="final" type="security" version="1.4">`)
		b.WriteString("<id>" + esc(a.ID) + "</id><title>" + esc(a.Title) + "</title>")
		b.WriteString(`<issued date="` + esc(a.Issued.Date) + `"/><severity>` + esc(a.Severity) + "</severity>")
		b.WriteString("<description>" + esc(a.Description) + "</description><references>")
		for _, r := range a.References {
			b.WriteString(`<reference href="` + esc(r.Href) + `" id="` + esc(r.ID) + `" type="` + esc(r.Type) + `"/>`)
		}
		b.WriteString(`</references><pkglist><collection short="amazon-linux"><name>Amazon Linux</name>`)
		for _, p := range a.Packages {
			b.WriteString(`<package arch="` + p.Arch + `" epoch="` + p.Epoch + `" name="` + p.Name + `" release="` + p.Release + `" version="` + p.Version + `"><filename>` + esc(p.Filename) + "</filename></package>")
		}
		b.WriteString("</collection></pkglist></update>\n")
	}
	b.WriteString("</updates>\n")
	return b.Bytes()
}

// TestAmazonLinux2EndToEnd: an Amazon Linux 2 image (real os-release; an
// rpm database written by rpm from real AL2 kernel package versions, since
// no real AL2 database could be had) scanned against ALAS advisories
// served as a yum repository serves them — the release's mirror list, the
// real repomd.xml, and a gzipped updateinfo.xml — through vulndb.Build.
// The expected findings are computed here from the advisories and rpm's
// own vercmp; the ALAS advisories of Amazon Linux 1 and 2022 must not
// match, and coverage says AL2 has reached end of life.
func TestAmazonLinux2EndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "amazonlinux")
	advs := readALAS(t, dir)
	var everything []alas
	for _, rel := range []string{"1", "2", "2022"} {
		everything = append(everything, advs[rel]...)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(updateInfo(t, everything))
	zw.Close()
	repomd, err := os.ReadFile(filepath.Join(dir, "repodata", "repomd.xml.claircore"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/2/core/latest/x86_64/mirror.list", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(srv.URL + "/2/core/2.0/x86_64/221a4af0\n"))
	})
	mux.HandleFunc("/2/core/2.0/x86_64/221a4af0/repodata/repomd.xml", func(w http.ResponseWriter, _ *http.Request) { w.Write(repomd) })
	mux.HandleFunc("/2/core/2.0/x86_64/221a4af0/repodata/updateinfo.xml.gz", func(w http.ResponseWriter, _ *http.Request) { w.Write(gz.Bytes()) })
	srv = httptest.NewServer(mux)
	defer srv.Close()

	installed := []ecosystemtest.RPM{
		{Name: "kernel", Epoch: "0", Version: "4.14.238", Release: "182.422.amzn2", Arch: "x86_64"},
		{Name: "kernel-headers", Epoch: "0", Version: "4.14.243", Release: "185.433.amzn2", Arch: "x86_64"},
		// Below Amazon Linux 1's fix (ALAS-2018-1093), which is not AL2's.
		{Name: "git", Version: "2.14.4", Release: "1.58.amzn2", Arch: "x86_64"},
		{Name: "log4j", Version: "2.14.1", Release: "1.amzn2", Arch: "noarch"},
	}
	var want []ecosystemtest.Finding
	for _, a := range advs["2"] {
		for _, fp := range a.Packages {
			fixed := fp.Version + "-" + fp.Release
			if fp.Epoch != "" && fp.Epoch != "0" {
				fixed = fp.Epoch + ":" + fixed
			}
			for _, p := range installed {
				if p.Name == fp.Name && ecosystemtest.RPMVercmp(t, p.EVR(), fixed) < 0 {
					want = append(want, ecosystemtest.Finding{Package: p.Name, Installed: p.EVR(), Fixed: fixed, Advisory: a.ID})
				}
			}
		}
	}
	if len(want) != 1 {
		t.Fatalf("expected findings %v: the test data changed", want)
	}

	rep := ecosystemtest.Scan(t, []string{srv.URL + "/2/core/latest/x86_64/mirror.list"},
		ecosystemtest.File(t, filepath.Join(dir, "os-release.syft-amazon"), "etc/os-release"),
		imagebuild.File{Path: "var/lib/rpm/rpmdb.sqlite", Content: ecosystemtest.RPMDB(t, installed...)})
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
	for _, v := range rep.Vulnerabilities {
		if len(v.Aliases) == 0 || !strings.HasPrefix(v.Aliases[0], "CVE-") || v.Source != "updateinfo" {
			t.Errorf("%s: aliases %v, source %q", v.ID, v.Aliases, v.Source)
		}
	}
	c := ecosystemtest.Coverage(t, rep, "Amazon Linux:2")
	if !c.Covered || c.Packages != len(installed) || !strings.Contains(c.Note, "end of life on 2026-06-30") {
		t.Errorf("coverage = %+v", c)
	}
}

// TestAmazonLinux1EndOfLife: an Amazon Linux 1 image is matched against
// ALAS advisories of Amazon Linux 1 (ALAS-…, from an updateinfo.xml
// file) and its coverage says the release has reached end of life.
func TestAmazonLinux1EndOfLife(t *testing.T) {
	dir := testutil.Data(t, "distros", "amazonlinux")
	feed := filepath.Join(t.TempDir(), "updateinfo.xml")
	if err := os.WriteFile(feed, updateInfo(t, readALAS(t, dir)["1"]), 0o644); err != nil {
		t.Fatal(err)
	}
	installed := []ecosystemtest.RPM{{Name: "git", Version: "2.14.4", Release: "1.58.amzn1", Arch: "x86_64"}}
	rep := ecosystemtest.Scan(t, []string{feed},
		imagebuild.File{Path: "etc/os-release", Content: []byte("NAME=\"Amazon Linux AMI\"\nVERSION=\"2018.03\"\nID=\"amzn\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"2018.03\"\n")},
		imagebuild.File{Path: "var/lib/rpm/rpmdb.sqlite", Content: ecosystemtest.RPMDB(t, installed...)})
	// ALAS-2018-1093 fixes git 2.14.5-1.59.amzn1 (x86_64; git-debuginfo
	// has epoch 1, another package).
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), []ecosystemtest.Finding{
		{Package: "git", Installed: "2.14.4-1.58.amzn1", Fixed: "2.14.5-1.59.amzn1", Advisory: "ALAS-2018-1093"},
	})
	if c := ecosystemtest.Coverage(t, rep, "Amazon Linux:1"); !strings.Contains(c.Note, "end of life on 2023-12-31") {
		t.Errorf("coverage = %+v", c)
	}
}
