#!/usr/bin/env bash
# Writes PNG screenshots of the web console's pages, at a laptop's width
# (1280x800) and a phone's (390x844), to docs/console/ (or the directory
# given). It runs the console's browser tests, TestConsoleFlow and
# TestConsoleTriage (exceptions, audit log, subscriptions, workloads), against a
# real in-process controller, scanner, registry and vulnerability database
# built from ../shared/testdata, with Debian's chromium driven by chromedp.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  echo "== installing chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium >/dev/null
fi

out=${1:-docs/console}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.png
SCANFLEET_CONSOLE_SCREENSHOTS=$out go test -count=1 -run 'TestConsoleFlow$|TestConsoleTriage$' ./internal/console/
ls -l "$out"
