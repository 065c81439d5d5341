#!/usr/bin/env bash
# Starts the local cluster (`npm start`): Node 24, dependencies, the backing services and, as the
# apps arrive, one process per node of the blueprint.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

log() { printf 'start: %s\n' "$*"; }

ensure_node() {
  # shellcheck source=../../scripts/use-node-24.sh
  source scripts/use-node-24.sh
  log "node $(node --version) at $(command -v node)"
}

ensure_dependencies() {
  # npm writes node_modules/.package-lock.json on every install, so it dates the installed tree.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing dependencies (npm ci)"
    npm ci
  else
    log "dependencies are up to date"
  fi
}

ensure_services() {
  bash deploy/local/services.sh
}

start_nodes() {
  # One supervised process per node of deploy/blueprint.yaml, until Ctrl-C (families whose app does not
  # exist yet are skipped with a log line).
  log "starting the cluster of deploy/blueprint.yaml (Ctrl-C stops every node)"
  exec node --conditions=@trellis/source --import tsx deploy/local/cluster.ts
}

print_status() {
  log "running:"
  log "  RabbitMQ    amqp://guest:guest@127.0.0.1:5672"
  log "  Redis       redis://127.0.0.1:6379"
  log "  PostgreSQL  postgresql://postgres@127.0.0.1:5432 (databases postgres, test)"
}

ensure_node
ensure_dependencies
ensure_services
print_status
start_nodes
