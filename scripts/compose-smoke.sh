#!/usr/bin/env bash
# Smoke test of docker/compose.yml on a machine with Docker: brings the distributed topology up,
# waits for the gateway's health, takes the first administrator's one-time password from the
# create-admin container's logs and runs scripts/compose-smoke-journey.js inside the product image
# on the stack's network (sign in, forced password change, a coordinator, a need posted and seen
# published through the gateway). Tears the stack and its volumes down afterwards unless --keep.
#
#   scripts/compose-smoke.sh [--keep]
#
# COMPOSE_PROJECT_NAME (default shecun-smoke), SHECUN_ADMIN_USERNAME (default admin),
# SMOKE_HEALTH_TIMEOUT seconds for the gateway to become healthy (default 600: the first run builds the image).
set -euo pipefail

keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    -h | --help)
      sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (usage: $0 [--keep])" >&2
      exit 2
      ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="${COMPOSE_PROJECT_NAME:-shecun-smoke}"
admin="${SHECUN_ADMIN_USERNAME:-admin}"
health_timeout="${SMOKE_HEALTH_TIMEOUT:-600}"

if docker compose version > /dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose > /dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "neither 'docker compose' (v2) nor 'docker-compose' (1.29) is installed" >&2
  exit 2
fi
if ! docker info > /dev/null 2>&1; then
  echo "no Docker engine answers here (docker info failed): this smoke test needs one" >&2
  exit 2
fi
compose+=(-p "$project" -f "$root/docker/compose.yml")
export SHECUN_ADMIN_USERNAME="$admin"

log() { printf '[compose-smoke] %s\n' "$*"; }

finish() {
  local status=$?
  trap - EXIT
  if [ "$status" -ne 0 ]; then
    log "failed (exit $status); containers and their last log lines:"
    "${compose[@]}" ps || true
    "${compose[@]}" logs --no-color --tail=80 || true
  fi
  if [ "$keep" -eq 1 ]; then
    log "stack kept: ${compose[*]} down -v   removes it"
  else
    log "tearing down"
    "${compose[@]}" down -v --remove-orphans || true
  fi
  exit "$status"
}
trap finish EXIT

log "building and starting project $project"
"${compose[@]}" up -d --build

# Health as Docker's health check of the gateway container sees it (the same for v1 and v2).
log "waiting up to ${health_timeout} s for the gateway to be healthy"
deadline=$((SECONDS + health_timeout))
while :; do
  container="$("${compose[@]}" ps -q gateway || true)"
  health=""
  if [ -n "$container" ]; then
    health="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$container" 2> /dev/null || true)"
  fi
  if [ "$health" = "healthy" ]; then
    break
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "the gateway is not healthy after ${health_timeout} s (health: ${health:-no container})" >&2
    exit 1
  fi
  sleep 5
done
log "gateway healthy"

# The one-shot create-admin container prints the one-time password once, on the run that creates the user.
password=""
for _ in $(seq 1 60); do
  logs="$("${compose[@]}" logs --no-color create-admin 2> /dev/null || true)"
  password="$(printf '%s\n' "$logs" | sed -n 's/.*one-time password, shown only now): \([A-Za-z0-9_-]*\).*/\1/p' | tail -n 1)"
  if [ -n "$password" ]; then
    break
  fi
  if printf '%s\n' "$logs" | grep -q 'exists already'; then
    echo "create-admin found $admin already there (volumes of an earlier run?): no one-time password to test with; remove them with: ${compose[*]} down -v" >&2
    exit 1
  fi
  sleep 2
done
if [ -z "$password" ]; then
  echo "no one-time password in the create-admin container's logs" >&2
  exit 1
fi
log "one-time password of $admin read from the create-admin logs"

# The journey runs in the product image on the stack's network (node and the built retry helper are there).
"${compose[@]}" run --rm --no-deps -T \
  -e SMOKE_ADMIN_PASSWORD="$password" -e SMOKE_KEEP="$keep" \
  -v "$root/scripts/compose-smoke-journey.js:/smoke/journey.js:ro" \
  gateway node /smoke/journey.js http://gateway:3000 "$admin"
log "passed"
