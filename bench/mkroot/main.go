// Command mkroot writes a synthetic root filesystem for the host scan
// benchmark (bench/host.sh): see package genroot. -units 600 (the
// default) gives about 529,000 entries.
//
//	go run ./bench/mkroot -out /tmp/genroot -units 600
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/scanfleet/scanfleet/internal/host/genroot"
)

func main() {
	out := flag.String("out", "", "directory to create (must not exist)")
	units := flag.Int("units", 600, "size: about 880 entries per unit")
	goBinary := flag.String("go-binary", "", "Go executable to copy as the tree's Go binaries (default: this program)")
	flag.Parse()
	if *out == "" {
		log.Fatal("mkroot: -out is required")
	}
	if err := os.Mkdir(*out, 0o755); err != nil {
		log.Fatalf("mkroot: %v", err)
	}
	st, err := genroot.Generate(*out, genroot.Options{Units: *units, GoBinary: *goBinary})
	if err != nil {
		log.Fatalf("mkroot: %v", err)
	}
	fmt.Printf("%s: %d entries; %d dpkg packages installed (%d removed), %d npm, %d Python, %d jars, %d Go executables\n",
		*out, st.Entries, st.Debs, st.NotInstalled, st.Npm, st.Python, st.Jars, st.Go)
}
