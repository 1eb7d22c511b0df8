#!/usr/bin/env bash
# Restores a backup of scripts/pg-backup.sh into empty databases, with the services stopped.
#
#   EVENT_STORE_URL=postgres://…/shecun_events EVIDENCE_DATABASE_URL=postgres://…/shecun_evidence \
#   PUSH_DATABASE_URL=postgres://…/shecun_push scripts/pg-restore.sh /srv/backups/2026-12-06
#
# 1. checks the backup before touching any database: manifest.json of the format, every archive
#    matching SHA256SUMS, each one readable by pg_restore;
# 2. checks that each database it restores into (EVENT_STORE_URL for events.dump, and for the
#    archives present EVIDENCE_DATABASE_URL, PUSH_DATABASE_URL) exists and holds no table: create
#    them empty first (createdb, or DROP DATABASE … ; CREATE DATABASE …); refuses otherwise;
# 3. restores each archive in one transaction (pg_restore --single-transaction --exit-on-error: all
#    or nothing), then checks that the event store holds the manifest's event count and head.
# A backup archive without its variable set is refused (restore all three, or say what you skip
# by setting SKIP_PUSH=1 / SKIP_EVIDENCE=1). Tools: PG_RESTORE, PSQL (pg_restore, psql), sha256sum.
set -euo pipefail

PG_RESTORE="${PG_RESTORE:-pg_restore}"
PSQL="${PSQL:-psql}"
log() { printf 'pg-restore: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ $# -eq 1 ] || die "usage: scripts/pg-restore.sh <backup dir>"
BACKUP="${1%/}"
[ -f "$BACKUP/manifest.json" ] || die "$BACKUP has no manifest.json: not a backup of pg-backup.sh"
grep -q '"format": "shecun-pg-backup"' "$BACKUP/manifest.json" || die "$BACKUP/manifest.json is not a shecun-pg-backup manifest"
[ -f "$BACKUP/events.dump" ] || die "$BACKUP has no events.dump"

# 1. the backup itself.
(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS) || die "$BACKUP is damaged: an archive does not match SHA256SUMS"
for archive in "$BACKUP"/*.dump; do
  "$PG_RESTORE" --list "$archive" >/dev/null || die "$archive is not a pg_dump archive pg_restore can read"
done
read -r EVENT_COUNT HEAD_POSITION < <(sed -n 's/.*"eventCount": \([0-9]*\), "headPosition": \([0-9]*\).*/\1 \2/p' "$BACKUP/manifest.json")
[ -n "${HEAD_POSITION:-}" ] || die "$BACKUP/manifest.json has no event count and head position"

# 2. what goes where: name, archive, URL.
PLAN=("events|$BACKUP/events.dump|${EVENT_STORE_URL:-}")
[ -f "$BACKUP/evidence.dump" ] && [ "${SKIP_EVIDENCE:-}" != 1 ] && PLAN+=("evidence|$BACKUP/evidence.dump|${EVIDENCE_DATABASE_URL:-}")
[ -f "$BACKUP/push.dump" ] && [ "${SKIP_PUSH:-}" != 1 ] && PLAN+=("push|$BACKUP/push.dump|${PUSH_DATABASE_URL:-}")
declare -A VARIABLE=([events]=EVENT_STORE_URL [evidence]=EVIDENCE_DATABASE_URL [push]=PUSH_DATABASE_URL)

query() { "$PSQL" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 --dbname "$1" --command "$2"; }
for entry in "${PLAN[@]}"; do
  IFS='|' read -r name archive url <<<"$entry"
  [ -n "$url" ] || die "$name.dump is in the backup but ${VARIABLE[$name]} is not set (SKIP_${name^^}=1 to leave it out)"
  tables="$(query "$url" "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" ||
    die "${VARIABLE[$name]}: the database does not answer (create it empty first)"
  [ "$tables" = 0 ] || die "${VARIABLE[$name]}: the database is not empty ($tables tables): restore only into a new, empty database"
done

# 3. restore, each archive all or nothing.
for entry in "${PLAN[@]}"; do
  IFS='|' read -r name archive url <<<"$entry"
  log "restoring $name.dump"
  "$PG_RESTORE" --no-owner --no-acl --single-transaction --exit-on-error --dbname "$url" "$archive"
done
read -r count head < <(query "$EVENT_STORE_URL" "SELECT count(*) || ' ' || coalesce(max(position), 0) FROM event_store.events")
[ "$count" = "$EVENT_COUNT" ] && [ "$head" = "$HEAD_POSITION" ] ||
  die "the restored event store holds $count events up to $head; the manifest says $EVENT_COUNT up to $HEAD_POSITION"
log "restored $BACKUP: $count events up to position $head; now verify the ledger and rebuild the read models (docker/README.md)"
