#!/usr/bin/env bash
# Makes sure the local RabbitMQ, Redis and PostgreSQL answer on their usual ports, starting only
# the ones that are down. Safe to run any number of times; prints what it found and what it started.
# Used by deploy/local/start.sh (npm start) and by .ci/run.
set -euo pipefail

readonly HOST=127.0.0.1
readonly RABBITMQ_PORT=5672
readonly REDIS_PORT=6379
readonly POSTGRES_PORT=5432
readonly WAIT_SECONDS="${TRELLIS_SERVICES_WAIT_SECONDS:-90}"

log() { printf 'services: %s\n' "$*"; }

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# wait_until DESCRIPTION COMMAND...: retries COMMAND once a second until it succeeds or WAIT_SECONDS pass.
wait_until() {
  local description="$1"
  shift
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "gave up after ${WAIT_SECONDS}s waiting for $description" >&2
      return 1
    fi
    sleep 1
  done
}

ensure_rabbitmq() {
  if port_open "$RABBITMQ_PORT"; then
    log "RabbitMQ already running on $HOST:$RABBITMQ_PORT"
  else
    log "starting RabbitMQ"
    rabbitmq-server -detached
    log "started RabbitMQ"
  fi
  # await_startup fails at once while the node is not yet reachable, so retry it within the deadline.
  wait_until "RabbitMQ to finish booting" rabbitmqctl await_startup --timeout "$WAIT_SECONDS"
  wait_until "RabbitMQ to accept AMQP connections" port_open "$RABBITMQ_PORT"
}

ensure_redis() {
  if port_open "$REDIS_PORT"; then
    log "Redis already running on $HOST:$REDIS_PORT"
  else
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    log "started Redis"
  fi
  redis_answers() { [ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping)" = PONG ]; }
  wait_until "Redis to answer PING" redis_answers
}

ensure_postgres() {
  if port_open "$POSTGRES_PORT"; then
    log "PostgreSQL already running on $HOST:$POSTGRES_PORT"
  else
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    log "started PostgreSQL $version"
  fi
  wait_until "PostgreSQL to accept connections" pg_isready -q -h "$HOST" -p "$POSTGRES_PORT" -U postgres
  # Integration tests create their schemas in the `test` database.
  if [ "$(psql -h "$HOST" -p "$POSTGRES_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'test'")" != 1 ]; then
    createdb -h "$HOST" -p "$POSTGRES_PORT" -U postgres test
    log "created database test"
  fi
}

ensure_rabbitmq
ensure_redis
ensure_postgres
log "all services answer (RabbitMQ $HOST:$RABBITMQ_PORT, Redis $HOST:$REDIS_PORT, PostgreSQL $HOST:$POSTGRES_PORT)"
