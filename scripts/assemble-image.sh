#!/usr/bin/env bash
# Assembles what goes into the node image, in <out-dir>: builds every project, then copies only what a node
# needs at run time (the runtime workspaces' package.json, dist/ and SQL migrations, the blueprint, the root
# package.json) and a package-lock.json pruned to their production dependencies, ready for
# `npm ci --omit=dev`. docker/Dockerfile runs this same script, so CI can run the step without a container
# engine.
#
# Usage: scripts/assemble-image.sh <out-dir>   (out-dir must be empty or absent)
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <out-dir>" >&2
  exit 2
fi
out="$(mkdir -p "$1" && cd "$1" && pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=./use-node-24.sh
source scripts/use-node-24.sh
# No Nx daemon: a build step should leave no process behind.
export NX_DAEMON=false

npx nx run-many -t build --outputStyle=static

npx tsx deploy/image/assemble-image.ts "$out"

# The pruning is npm's own: the copied lockfile still lists every workspace and every development tool;
# resolving it against the trimmed manifests drops all that only they need, and nothing is fetched
# (--offline), so each package keeps the exact version and integrity the repository's lockfile pins.
(cd "$out" && npm install --package-lock-only --offline --ignore-scripts --no-audit --no-fund --loglevel=error)

echo "assembled $(find "$out" -type f | wc -l) files in $out"
