#!/usr/bin/env bash
# Fleet scanning throughput: fills a registry with IMAGES images sharing
# four base layers and scans them with 1, 2 and 4 scanner processes
# (images/s, layer blob GETs vs unique layers). Extra arguments go to the Go
# program, e.g. `-registry 127.0.0.1:5000` for the real registry (blob GETs
# then cannot be counted).
#
#   bench/registry/run.sh                 # IMAGES=1000 SCANNERS=1,2,4
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGES=${IMAGES:-1000}
SCANNERS=${SCANNERS:-1,2,4}
shared=${SCANFLEET_TESTDATA:-../shared/testdata}
go build -o bin/scanfleet ./cmd/scanfleet
go run ./bench/registry -bin bin/scanfleet -rootfs "$shared/rootfs" -images "$IMAGES" -scanners "$SCANNERS" "$@"
