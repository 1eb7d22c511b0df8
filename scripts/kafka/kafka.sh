#!/usr/bin/env bash
# A local, single-node Apache Kafka broker (KRaft: broker + controller in one JVM) for tests — no Docker.
# Kafka's own jars come from Maven Central through scripts/kafka/pom.xml.
#
#   bash scripts/kafka/kafka.sh start           # fetch jars (once), format storage (once), start, wait ready
#   bash scripts/kafka/kafka.sh stop [--clean]  # stop the broker; --clean also deletes its data
#   bash scripts/kafka/kafka.sh status          # "running ..." (exit 0) or "not running" (exit 3)
#
# Everything lives in .infra/kafka/ (git-ignored): libs/, data/, server.properties, log4j.properties,
# tools-log4j.properties, kafka.pid, kafka.log, format.log, mvn.log.
# Clients connect to 127.0.0.1:${KAFKA_PORT:-19092}.
#
# Environment: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093), KAFKA_READY_TIMEOUT seconds (90),
# KAFKA_HEAP_OPTS ("-Xms256m -Xmx512m"), KAFKA_STOP_TIMEOUT seconds (30), JAVA_HOME, MVN (mvn).
# The ports are baked into .infra/kafka/server.properties at each start; one broker at a time per checkout.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
cd "$ROOT"

POM="scripts/kafka/pom.xml"
KAFKA_DIR="$ROOT/.infra/kafka"
LIBS="$KAFKA_DIR/libs"
DATA="$KAFKA_DIR/data"
CONFIG="$KAFKA_DIR/server.properties"
LOG4J="$KAFKA_DIR/log4j.properties"
TOOLS_LOG4J="$KAFKA_DIR/tools-log4j.properties"
PID_FILE="$KAFKA_DIR/kafka.pid"
LOG_FILE="$KAFKA_DIR/kafka.log"

HOST="127.0.0.1"
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
MVN="${MVN:-mvn}"
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n 1)"

log() { printf 'kafka: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Serialise start/stop of concurrent callers (e.g. two test runs) when flock(1) is available.
lock() {
  mkdir -p "$KAFKA_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$KAFKA_DIR/.lock"
    flock -w 300 9 || die "another kafka.sh holds $KAFKA_DIR/.lock"
  fi
}

# The pid of our running broker, or nothing (a stale pid file is removed).
running_pid() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && ps -p "$pid" -o args= 2>/dev/null | grep -q 'kafka\.Kafka'; then
    echo "$pid"
  else
    rm -f "$PID_FILE"
  fi
}

# host:port the running broker was configured with (server.properties of its last start).
running_address() { sed -n 's|^advertised.listeners=PLAINTEXT://||p' "$CONFIG" 2>/dev/null || true; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Copies the jars into .infra/kafka/libs, unless they are already there for this pom.
ensure_libs() {
  local stamp
  stamp="$(cksum <"$POM" | tr -s ' ' '-')"
  if [ -f "$LIBS/.complete" ] && [ "$(cat "$LIBS/.complete")" = "$stamp" ]; then
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "Maven ('$MVN') is needed to fetch the Kafka jars"
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into ${LIBS#"$ROOT"/}"
  rm -rf "$LIBS" "$LIBS.tmp"
  if ! "$MVN" -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$LIBS.tmp" -DincludeScope=runtime >"$KAFKA_DIR/mvn.log" 2>&1; then
    cat "$KAFKA_DIR/mvn.log" >&2
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  fi
  ls "$LIBS.tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka_2.13-$KAFKA_VERSION.jar missing after copy"
  echo "$stamp" >"$LIBS.tmp/.complete"
  mv "$LIBS.tmp" "$LIBS"
  log "$(find "$LIBS" -name '*.jar' | wc -l | tr -d ' ') jars, $(du -sh "$LIBS" | cut -f1)"
}

write_config() {
  cat >"$CONFIG" <<EOF
# Written by scripts/kafka/kafka.sh — single-node KRaft broker for local tests. Do not edit: rewritten on start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
num.partitions=3
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
delete.topic.enable=true
log.retention.hours=24
log.segment.bytes=16777216
EOF
  cat >"$LOG4J" <<'EOF'
# Written by scripts/kafka/kafka.sh — everything to stdout, which kafka.sh sends to kafka.log.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.kafka.log.UnifiedLog=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN
log4j.logger.kafka.server.KafkaConfig=WARN
EOF
  cat >"$TOOLS_LOG4J" <<'EOF'
# Written by scripts/kafka/kafka.sh — for kafka.tools.StorageTool.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.stderr.Target=System.err
EOF
}

# JVM options, one per line; $1 is the log4j configuration file.
java_opts() {
  # shellcheck disable=SC2086
  printf '%s\n' $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true "-Dlog4j.configuration=file:$1" "-Dkafka.logs.dir=$KAFKA_DIR"
}

format_storage() {
  if [ -f "$DATA/meta.properties" ]; then
    return 0
  fi
  local id
  # A cluster id is 16 random bytes, base64url without padding (22 characters); avoid a leading '-'.
  id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  case "$id" in -*) id="A${id#?}" ;; esac
  log "formatting ${DATA#"$ROOT"/} (cluster id $id)"
  local opts=()
  mapfile -t opts < <(java_opts "$TOOLS_LOG4J")
  "$JAVA" "${opts[@]}" -cp "$LIBS/*" kafka.tools.StorageTool format -t "$id" -c "$CONFIG" --ignore-formatted \
    >"$KAFKA_DIR/format.log" 2>&1 || { cat "$KAFKA_DIR/format.log" >&2; die "storage format failed"; }
}

start() {
  local started=$SECONDS
  lock
  local pid
  pid="$(running_pid)"
  if [ -n "$pid" ]; then
    local address
    address="$(running_address)"
    log "already running (pid $pid) on $address"
    [ "$address" = "$HOST:$PORT" ] || log "warning: running on $address, not the requested $HOST:$PORT (stop it first)"
    return 0
  fi
  if port_open "$PORT" || port_open "$CONTROLLER_PORT"; then
    die "port $PORT or $CONTROLLER_PORT on $HOST is in use by another process (not ours: no live .infra/kafka/kafka.pid)"
  fi
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA_HOME)"
  command -v node >/dev/null 2>&1 || die "node not found"

  mkdir -p "$KAFKA_DIR" "$DATA"
  ensure_libs
  write_config
  format_storage

  local opts=()
  mapfile -t opts < <(java_opts "$LOG4J")
  rm -f "$PID_FILE"
  : >"$LOG_FILE"
  # Own session (setsid, when available) so that the broker outlives the caller's process group; the
  # inner shell writes its own pid, then becomes the JVM with exec — the pid file always names the JVM.
  # fd 9 (the lock) is closed for the broker, or it would hold the lock for as long as it runs.
  local launcher=()
  if command -v setsid >/dev/null 2>&1; then launcher=(setsid); else launcher=(nohup); fi
  "${launcher[@]}" bash -c 'echo $$ >"$1"; shift; exec "$@"' kafka-broker "$PID_FILE" \
    "$JAVA" "${opts[@]}" -cp "$LIBS/*" kafka.Kafka "$CONFIG" \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  local i=0
  while [ ! -s "$PID_FILE" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$PID_FILE" ] || die "broker did not start (no pid file)"
  pid="$(cat "$PID_FILE")"
  log "started Kafka $KAFKA_VERSION (pid $pid), waiting up to ${READY_TIMEOUT}s for $HOST:$PORT"

  if ! node "$SCRIPT_DIR/wait-ready.js" --brokers "$HOST:$PORT" --timeout "$READY_TIMEOUT" --pid "$pid"; then
    log "broker not ready; last lines of ${LOG_FILE#"$ROOT"/}:"
    tail -n 60 "$LOG_FILE" >&2 || true
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
    exit 1
  fi
  log "ready on $HOST:$PORT (pid $pid) in $((SECONDS - started))s"
}

stop() {
  local clean=false
  for arg in "$@"; do
    case "$arg" in
      --clean) clean=true ;;
      *) die "stop: unknown option $arg" ;;
    esac
  done
  lock
  local pid
  pid="$(running_pid)"
  if [ -z "$pid" ]; then
    log "not running"
  else
    log "stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt $((STOP_TIMEOUT * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "still running after ${STOP_TIMEOUT}s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$PID_FILE"
    log "stopped"
  fi
  if [ "$clean" = true ]; then
    rm -rf "$DATA" "$KAFKA_DIR/format.log"
    log "removed ${DATA#"$ROOT"/}"
  fi
}

status() {
  local pid
  pid="$(running_pid)"
  if [ -n "$pid" ]; then
    echo "running (pid $pid, Kafka $KAFKA_VERSION, $(running_address))"
  else
    echo "not running"
    return 3
  fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  status) shift; status "$@" ;;
  *)
    echo "usage: $0 start | stop [--clean] | status" >&2
    exit 2
    ;;
esac
