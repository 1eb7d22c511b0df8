#!/usr/bin/env bash
# Backup of the distributed topology's PostgreSQL data that cannot be rebuilt from the event store.
#
#   EVENT_STORE_URL=postgres://…/shecun_events EVIDENCE_DATABASE_URL=postgres://…/shecun_evidence \
#   PUSH_DATABASE_URL=postgres://…/shecun_push scripts/pg-backup.sh /srv/backups/2026-12-06
#
# <dir> must not exist. It gets one pg_dump archive (custom format) per database, manifest.json and
# SHA256SUMS; it is written into <dir>.partial-<pid> and renamed when complete (removed on error).
#
#   push.dump      PUSH_DATABASE_URL (optional): webhook deliveries and their attempts (operational
#                  state: what was already sent), with the push views and checkpoints beside them.
#                  Dumped first, so no position it holds is past the event store's backup.
#   events.dump    EVENT_STORE_URL (required, postgres://): the event store (schema event_store).
#                  One transaction's snapshot: appends running meanwhile are wholly in or wholly out;
#                  its event count and head position, read in that same snapshot, go to the manifest.
#   evidence.dump  EVIDENCE_DATABASE_URL (optional): evidence files. Dumped after the event store, so
#                  every file an event of the backup names is in it (files are immutable).
#
# Not backed up, rebuilt instead: the read models (READ_DATABASE_URL), the write services' own
# databases (idempotency records, grants and views projected from the store) and the relay's
# checkpoint (after a restore the relay publishes the restored log again; see docker/README.md).
# Tools: PG_DUMP and PSQL (default pg_dump, psql: the server's major version or newer), sha256sum.
set -euo pipefail

PG_DUMP="${PG_DUMP:-pg_dump}"
PSQL="${PSQL:-psql}"
log() { printf 'pg-backup: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ $# -eq 1 ] || die "usage: scripts/pg-backup.sh <dir>"
TARGET="${1%/}"
[ -e "$TARGET" ] && die "$TARGET exists: give a new folder"
[ -n "${EVENT_STORE_URL:-}" ] || die "EVENT_STORE_URL is required (the PostgreSQL event store)"
case "$EVENT_STORE_URL" in postgres://* | postgresql://*) ;; *) die "EVENT_STORE_URL is not a PostgreSQL URL: EventStoreDB is backed up with its own tools" ;; esac

PARTIAL="$TARGET.partial-$$"
mkdir -p "$PARTIAL"
SNAPSHOT_IN=""
cleanup() {
  local status=$?
  [ -n "$SNAPSHOT_IN" ] && { printf 'ROLLBACK;\n\\q\n' >&"$SNAPSHOT_IN" 2>/dev/null || true; }
  [ $status -ne 0 ] && rm -rf "$PARTIAL"
  exit $status
}
trap cleanup EXIT

# The database's name in a URL (for the manifest: never the credentials).
db_name() { local rest="${1#*://}"; rest="${rest#*/}"; printf '%s' "${rest%%\?*}"; }

dump() { # <name> <url> [pg_dump options…]
  local name=$1 url=$2
  shift 2
  log "dumping $(db_name "$url") into $name.dump"
  "$PG_DUMP" --format=custom --no-owner --no-acl "$@" --file "$PARTIAL/$name.dump" --dbname "$url"
}

# 1. the push service's database, before the store.
[ -n "${PUSH_DATABASE_URL:-}" ] && dump push "$PUSH_DATABASE_URL"

# 2. the event store: a session exports its snapshot and reads the count and head in it; pg_dump
#    dumps that same snapshot; the session ends after.
coproc SNAP { "$PSQL" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 --dbname "$EVENT_STORE_URL" 2>&1; }
SNAPSHOT_IN=${SNAP[1]}
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" "SELECT pg_export_snapshot();" \
  "SELECT count(*) || ' ' || coalesce(max(position), 0) FROM event_store.events;" >&"${SNAP[1]}"
read -r -t 60 SNAPSHOT <&"${SNAP[0]}" || die "could not export a snapshot of the event store"
read -r -t 60 COUNT_HEAD <&"${SNAP[0]}" || die "could not read the event store"
[[ "$SNAPSHOT" =~ ^[0-9A-F-]+$ ]] || die "could not export a snapshot of the event store: $SNAPSHOT"
[[ "$COUNT_HEAD" =~ ^[0-9]+\ [0-9]+$ ]] || die "could not read event_store.events: $COUNT_HEAD"
read -r EVENT_COUNT HEAD_POSITION <<<"$COUNT_HEAD"
CREATED_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
dump events "$EVENT_STORE_URL" --snapshot="$SNAPSHOT"
printf 'COMMIT;\n\\q\n' >&"${SNAP[1]}"
SNAPSHOT_IN=""
wait "$SNAP_PID" 2>/dev/null || true
log "event store: $EVENT_COUNT events up to position $HEAD_POSITION"

# 3. the evidence files, after the store.
[ -n "${EVIDENCE_DATABASE_URL:-}" ] && dump evidence "$EVIDENCE_DATABASE_URL"

(cd "$PARTIAL" && sha256sum -- *.dump >SHA256SUMS)
{
  printf '{\n  "format": "shecun-pg-backup",\n  "version": 1,\n  "createdAt": "%s",\n' "$CREATED_AT"
  printf '  "eventStore": { "database": "%s", "eventCount": %s, "headPosition": %s },\n' "$(db_name "$EVENT_STORE_URL")" "$EVENT_COUNT" "$HEAD_POSITION"
  printf '  "files": ['
  sep=""
  while read -r sum file; do
    printf '%s\n    { "path": "%s", "size": %s, "sha256": "%s" }' "$sep" "$file" "$(stat -c %s "$PARTIAL/$file")" "$sum"
    sep=","
  done <"$PARTIAL/SHA256SUMS"
  printf '\n  ]\n}\n'
} >"$PARTIAL/manifest.json"
mv "$PARTIAL" "$TARGET"
log "backup complete: $TARGET"
