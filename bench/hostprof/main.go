// Command hostprof runs a host scan (host.Scan, as `scanfleet host
// --skip-db` does) under the CPU profiler and writes a heap profile at the
// end, for docs/benchmarks.md:
//
//	go run ./bench/hostprof -root / -cpu /tmp/host.cpu -heap /tmp/host.heap
//	go tool pprof -top -nodecount=25 /tmp/host.cpu
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/scanfleet/scanfleet/internal/host"
)

func main() {
	root := flag.String("root", "/", "root filesystem to scan")
	cpu := flag.String("cpu", "", "write a CPU profile here")
	heap := flag.String("heap", "", "write a heap profile (in use at the end of the walk) here")
	flag.Parse()
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	live := host.IsLive(*root)
	start := time.Now()
	rep, err := host.Scan(context.Background(), *root, host.ScanOptions{Processes: live, Kernel: live})
	if err != nil {
		log.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("%d packages in %.1f s; heap in use %d MB, total allocated %d MB, %d GCs\n",
		len(rep.Packages), time.Since(start).Seconds(), ms.HeapInuse>>20, ms.TotalAlloc>>20, ms.NumGC)
	if *heap != "" {
		f, err := os.Create(*heap)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			log.Fatal(err)
		}
	}
}
