// Command mkimages writes the benchmark images: docker-archive files built
// from the shared root filesystems, and a synthetic image of many large
// incompressible files that shows whether memory grows with image size.
//
//	go run ./bench/mkimages -out DIR -rootfs ../shared/testdata/rootfs [-synthetic-gb 2]
package main

import (
	"archive/tar"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/scanfleet/scanfleet/internal/imagebuild"
)

func main() {
	out := flag.String("out", "bench/images", "output directory")
	rootfs := flag.String("rootfs", "../shared/testdata/rootfs", "directory of root filesystem tarballs")
	gb := flag.Int("synthetic-gb", 2, "size of the synthetic image in GiB (0: skip)")
	lang := flag.String("lang-layer", "", "tarball of language packages (bench/mklang.sh) to stack on Debian as debian-lang.docker.tar")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, fs := range []struct{ file, ref string }{
		{"debian-bookworm-minbase.tar.gz", "bench/debian:bookworm-minbase"},
		{"alpine-minirootfs-3.20.3-x86_64.tar.gz", "bench/alpine:3.20.3"},
	} {
		dst := filepath.Join(*out, fs.file[:len(fs.file)-len(".tar.gz")]+".docker.tar")
		if exists(dst) {
			continue
		}
		l, err := imagebuild.FromFile(filepath.Join(*rootfs, fs.file))
		if err != nil {
			log.Fatal(err)
		}
		img, err := imagebuild.Image(imagebuild.Layer{Layer: l, CreatedBy: "ADD " + fs.file + " /"})
		if err != nil {
			log.Fatal(err)
		}
		write(dst, fs.ref, img)
	}
	if *lang != "" {
		dst := filepath.Join(*out, "debian-lang.docker.tar")
		if !exists(dst) {
			base, err := imagebuild.FromFile(filepath.Join(*rootfs, "debian-bookworm-minbase.tar.gz"))
			if err != nil {
				log.Fatal(err)
			}
			l, err := tarball.LayerFromFile(*lang, tarball.WithCompressionLevel(gzip.BestSpeed))
			if err != nil {
				log.Fatal(err)
			}
			img, err := imagebuild.Image(imagebuild.Layer{Layer: base, CreatedBy: "ADD debian-bookworm-minbase.tar.gz /"},
				imagebuild.Layer{Layer: l, CreatedBy: "COPY node_modules and jars"})
			if err != nil {
				log.Fatal(err)
			}
			write(dst, "bench/debian-lang:latest", img)
		}
	}
	if *gb > 0 {
		dst := filepath.Join(*out, fmt.Sprintf("synthetic-%dg.docker.tar", *gb))
		if !exists(dst) {
			write(dst, "bench/synthetic:latest", synthetic(*gb))
		}
	}
}

// synthetic builds gb GiB of layers, 256 MiB each, of 32 MiB random files
// (random so compression cannot make them small).
func synthetic(gb int) v1.Image {
	var layers []imagebuild.Layer
	for i := 0; i < gb*4; i++ {
		seed := uint64(i)
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
			pr, pw := io.Pipe()
			go func() {
				tw := tar.NewWriter(pw)
				rng := rand.New(rand.NewPCG(seed, 42))
				for f := 0; f < 8; f++ {
					const size = 32 << 20
					if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("data/layer%d/file%d.bin", seed, f), Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
						pw.CloseWithError(err)
						return
					}
					buf := make([]byte, 1<<20)
					for n := 0; n < size; n += len(buf) {
						for j := 0; j < len(buf); j += 8 {
							v := rng.Uint64()
							for k := 0; k < 8; k++ {
								buf[j+k] = byte(v >> (8 * k))
							}
						}
						if _, err := tw.Write(buf); err != nil {
							pw.CloseWithError(err)
							return
						}
					}
				}
				pw.CloseWithError(tw.Close())
			}()
			return pr, nil
		}, tarball.WithCompressionLevel(gzip.BestSpeed))
		if err != nil {
			log.Fatal(err)
		}
		layers = append(layers, imagebuild.Layer{Layer: l, CreatedBy: fmt.Sprintf("COPY data/layer%d", i)})
	}
	img, err := imagebuild.Image(layers...)
	if err != nil {
		log.Fatal(err)
	}
	return img
}

func write(dst, ref string, img v1.Image) {
	tag, err := name.NewTag(ref)
	if err != nil {
		log.Fatal(err)
	}
	tmp := dst + ".part"
	if err := tarball.WriteToFile(tmp, tag, img); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", dst)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
