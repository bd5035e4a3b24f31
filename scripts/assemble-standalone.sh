#!/usr/bin/env bash
# Lays out the self-contained server of a standalone build (`NEXT_OUTPUT=standalone next build`)
# the way the container runs it: <dest>/server.js with the node_modules Next traced for it, the
# migrations, and the browser assets, which `next build` leaves out of <distDir>/standalone (they
# are meant for a CDN) and server.js serves only when they are copied beside it.
#
# The Dockerfile runs it, and so does e2e/standalone.spec.ts on the test build: one layout, tested.
# Usage: bash scripts/assemble-standalone.sh <distDir> <dest>   (distDir: .next, or NEXT_DIST_DIR)
set -euo pipefail
dist="${1:?usage: assemble-standalone.sh <distDir> <dest>}"
dest="${2:?usage: assemble-standalone.sh <distDir> <dest>}"
cd "$(dirname "$0")/.."

if [ ! -f "$dist/standalone/server.js" ]; then
  echo "No standalone build in $dist/: build with NEXT_OUTPUT=standalone${dist:+ NEXT_DIST_DIR=$dist} next build" >&2
  exit 1
fi
mkdir -p "$dest/$dist"
cp -a "$dist/standalone/." "$dest/"
cp -a "$dist/static" "$dest/$dist/static"
if [ -d public ]; then cp -a public "$dest/public"; fi
