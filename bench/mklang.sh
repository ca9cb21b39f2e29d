#!/usr/bin/env bash
# Builds the language-heavy benchmark tree: a large node_modules (npm
# registry) and a Java application's jars (from Debian's Java library
# packages, unpacked, not installed), packed as one layer tarball.
#   bench/mklang.sh OUT.tar
set -euo pipefail
out=$1
[ -s "$out" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/srv/web" "$work/root/opt/app/lib" "$work/debs"
( cd "$work/root/srv/web" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --loglevel=error \
    express@4.17.1 lodash@4.17.15 axios@0.21.0 webpack@5 typescript eslint jest @babel/core react react-dom next >/dev/null )
( cd "$work/debs" && apt-get download liblog4j2-java libjackson2-databind-java libjackson2-core-java \
    libguava-java libcommons-lang3-java libspring-core-java libspring-beans-java libcommons-io-java >/dev/null 2>&1 )
for d in "$work"/debs/*.deb; do dpkg-deb -x "$d" "$work/x"; done
find "$work/x" -name '*.jar' -type f -exec cp {} "$work/root/opt/app/lib/" \;
tar -C "$work/root" -cf "$out.part" . && mv "$out.part" "$out"
echo "$(find "$work/root/srv/web/node_modules" -name package.json | wc -l) package.json files, $(ls "$work/root/opt/app/lib" | wc -l) jars" >&2
