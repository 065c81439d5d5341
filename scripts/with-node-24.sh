#!/usr/bin/env bash
# Runs a command with Node.js 24 first on PATH (fetched into .tools/ when the machine's node is older),
# so `npm start`, `npm test` and `npm run bench:bus` run on the pinned runtime whatever node npm itself uses.
set -euo pipefail
# shellcheck source=./use-node-24.sh
source "$(dirname "${BASH_SOURCE[0]}")/use-node-24.sh"
exec "$@"
