package tracker

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

func TestParseDSAListReal(t *testing.T) {
	for _, kind := range []string{"DSA", "DLA"} {
		t.Run(kind, func(t *testing.T) {
			p := testutil.Data(t, "advisories", "debian-security-tracker-2023-04", "data", kind, "list")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			headers, fixes, cves := 0, 0, 0
			for _, line := range strings.Split(string(b), "\n") {
				trimmed := strings.TrimSpace(line)
				switch {
				case strings.HasPrefix(line, "["):
					headers++
				case strings.HasPrefix(trimmed, "[") && trimmed != line:
					fixes++
				case strings.HasPrefix(trimmed, "{"):
					cves += len(strings.Fields(strings.Trim(trimmed, "{}")))
				}
			}
			entries, bad, err := ParseDSAList(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 0 {
				t.Errorf("%d malformed lines, first %q", len(bad), bad[0])
			}
			gotFixes, gotCVEs := 0, 0
			for _, e := range entries {
				gotFixes += len(e.Fixes)
				gotCVEs += len(e.CVEs)
				if e.Date.IsZero() || !strings.HasPrefix(e.ID, kind+"-") {
					t.Errorf("entry %+v", e)
				}
			}
			if len(entries) != headers || gotFixes != fixes || gotCVEs != cves {
				t.Errorf("entries %d fixes %d cves %d; want %d %d %d", len(entries), gotFixes, gotCVEs, headers, fixes, cves)
			}
			if kind == "DSA" {
				e := entries[0]
				if e.ID != "DSA-5380-1" || e.Package != "xorg-server" || e.Description != "security update" ||
					len(e.CVEs) != 1 || e.CVEs[0] != "CVE-2023-1393" || len(e.Fixes) != 1 ||
					e.Fixes[0].Ecosystem != "Debian:11" || e.Fixes[0].FixedVersion != "2:1.20.11-1+deb11u6" {
					t.Errorf("first entry %+v", e)
				}
			}
		})
	}
}

func TestDSAIndexAttach(t *testing.T) {
	dsa, _, err := ParseDSAList(strings.NewReader(`[29 Mar 2023] DSA-5380-1 xorg-server - security update
	{CVE-2023-1393}
	[bullseye] - xorg-server 2:1.20.11-1+deb11u6
[10 Jan 2006] DSA-900-1 foo - bug
	{CVE-2023-1393}
	[sarge] - foo <not-affected> (Vulnerable code not present)
`))
	if err != nil {
		t.Fatal(err)
	}
	dla, _, _ := ParseDSAList(strings.NewReader("[29 Mar 2023] DLA-3372-1 xorg-server - security update\n\t{CVE-2023-1393}\n\t[buster] - xorg-server 2:1.20.4-1+deb10u9\n"))
	if !dsa[1].Fixes[0].NotAffected || dsa[1].Fixes[0].FixedVersion != "" {
		t.Errorf("not-affected line: %+v", dsa[1].Fixes[0])
	}
	ix := NewDSAIndex(dsa, dla)
	a := &advisory.Advisory{ID: "CVE-2023-1393", Affected: []advisory.Affected{
		{Ecosystem: "Debian:11", Package: "xorg-server"},
		{Ecosystem: "Debian:10", Package: "xorg-server"},
		{Ecosystem: "Debian:12", Package: "xorg-server"},
	}}
	if !ix.Attach(a) || strings.Join(a.Aliases, ",") != "DSA-5380-1,DLA-3372-1" || len(a.References) != 2 {
		t.Errorf("attached %v %v", a.Aliases, a.References)
	}
	if ix.Attach(a) {
		t.Error("second Attach added again")
	}
}

func FuzzDSAList(f *testing.F) {
	p := testutil.Data(f, "advisories", "debian-security-tracker-2023-04", "data", "DSA", "list")
	b, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i := 0; i+12 < len(lines) && i < 12*40; i += 12 {
		f.Add([]byte(strings.Join(lines[i:i+12], "\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, bad, err := ParseDSAList(bytes.NewReader(data))
		if err != nil {
			return // over-long line: a read failure, reported
		}
		for _, e := range entries {
			if e.ID == "" {
				t.Fatalf("entry without id: %+v", e)
			}
		}
		_ = bad
		ix := NewDSAIndex(entries)
		for _, e := range entries {
			for _, c := range e.CVEs {
				a := &advisory.Advisory{ID: c, Affected: []advisory.Affected{{Ecosystem: "Debian:11", Package: e.Package}}}
				ix.Attach(a)
			}
		}
	})
}
