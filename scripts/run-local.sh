#!/usr/bin/env bash
# Run the whole geokv system on this machine, without Docker:
#   - PostgreSQL and Redis: the ones that answer on 127.0.0.1:5432 and 127.0.0.1:6379 (or the
#     ports below) when there are; else embedded ones started here, in one JVM of the
#     local-services module (PostgreSQL 16 with its data in the state folder, and a Redis that
#     keeps nothing: it is a cache). A PostgreSQL installed but down on 5432 is started instead
#     when the script runs as root (pg_ctlcluster). One log line per store says which it is;
#   - a single-node Kafka broker (KRaft) from the Maven Central jars on 127.0.0.1:9092 holding
#     every region's topic (the single topology); or, with --clusters 3, one per region (ports
#     9092, 9192, 9292 and their controllers 9093, 9193, 9293) and MirrorMaker 2 (the mirroring
#     module's geokv-mirror-maker) mirroring each region's topic into the others (the multi topology);
#   - replication-streams (actuator on :8010) and api-gateway (HTTP API on :8009).
# Builds first when a jar it starts is missing or older than a source or pom file of the reactor
# (mvn -q -B -DskipTests package: the jars stay in each module's target/).
# Prints the URL when everything is healthy; Ctrl-C (or SIGTERM) stops what this script started
# (the apps first, then the broker, then the embedded stores). State and logs live in
# .geokv-local/ at the repo root; the broker's topics and the embedded PostgreSQL's data are
# kept there across runs.
#
# Usage: scripts/run-local.sh [--rebuild] [--clusters 1|3]
# Environment:
#   GEOKV_CLUSTERS                 Kafka clusters, as --clusters: 1 (the default) or one per region
#   GEOKV_RESIDENCY                data residency, space-separated TENANT=REGION[,REGION...] (e.g.
#                                  "bank=eu-west"): both apps and MirrorMaker 2 get it (docs/security.md)
#   GEOKV_MIRROR_JAVA_OPTS         JVM options of MirrorMaker 2 (default: -Xmx256m -XX:+UseSerialGC)
#   GEOKV_APP_JAVA_OPTS            JVM options of both apps (default: -Xmx320m -XX:+UseParallelGC,
#                                  the gateway -Xmx256m)
#   GEOKV_STREAMS_START_TIMEOUT    seconds to wait for replication-streams (default: 180)
#   GEOKV_GATEWAY_START_TIMEOUT    seconds to wait for api-gateway (default: 120)
#   GEOKV_KAFKA_JAVA_OPTS, GEOKV_KAFKA_START_TIMEOUT   see scripts/lib/kafka.sh
#   GEOKV_LOCAL_STATE              state folder: broker data, Streams state, embedded PostgreSQL
#                                  data, logs, pid files (default: .geokv-local at the repo root)
#   GEOKV_GATEWAY_PORT             HTTP port of api-gateway (default: 8009)
#   GEOKV_STREAMS_PORT             actuator port of replication-streams (default: 8010)
#   GEOKV_KAFKA_PORT               Kafka broker port on 127.0.0.1 (default: 9092); with a cluster
#                                  per region, the first region's, the next ones 100 and 200 above
#   GEOKV_KAFKA_CONTROLLER_PORT    Kafka controller port on 127.0.0.1 (default: 9093), likewise
#   GEOKV_POSTGRES_PORT            PostgreSQL port on 127.0.0.1 (default: 5432): used when a
#                                  PostgreSQL answers there, else an embedded one starts there;
#                                  passed to both apps as --geokv.regions[i].postgres.port
#   GEOKV_REDIS_PORT               Redis port on 127.0.0.1 (default: 6379): likewise; passed to
#                                  both apps as --geokv.regions[i].redis.uri
#   GEOKV_DATABASE_PREFIX          prefix of the regions' PostgreSQL databases, passed to both
#                                  apps as --geokv.database-prefix (default: the apps' geokv_)
#   GEOKV_REDIS_FIRST_DATABASE     Redis logical database of the first region, passed to both
#                                  apps as --geokv.redis-first-database (default: the apps' 1)
#   GEOKV_GATEWAY_TOKEN_SECRET     key sealing X-Context and X-Session tokens (default: a random key
#                                  made once and kept in the state folder)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/kafka.sh
source "$SCRIPT_DIR/lib/kafka.sh"
# shellcheck source=lib/apps.sh
source "$SCRIPT_DIR/lib/apps.sh"
# shellcheck source=lib/local-services.sh
source "$SCRIPT_DIR/lib/local-services.sh"

ROOT="$(geokv_root)"
STATE="${GEOKV_LOCAL_STATE:-$ROOT/.geokv-local}"
# A relative state folder is relative to where the script was started.
[[ "$STATE" == /* ]] || STATE="$PWD/$STATE"
STATE="${STATE%/}"
LOG_DIR="$STATE/logs"

readonly KAFKA_PORT="${GEOKV_KAFKA_PORT:-9092}"
readonly KAFKA_CONTROLLER_PORT="${GEOKV_KAFKA_CONTROLLER_PORT:-9093}"
readonly STREAMS_PORT="${GEOKV_STREAMS_PORT:-8010}"
readonly GATEWAY_PORT="${GEOKV_GATEWAY_PORT:-8009}"
readonly POSTGRES_PORT="${GEOKV_POSTGRES_PORT:-5432}"
readonly REDIS_PORT="${GEOKV_REDIS_PORT:-6379}"
readonly BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

STREAMS_JAR="$(app_jar replication-streams)"
GATEWAY_JAR="$(app_jar api-gateway)"
LOCAL_SERVICES_JAR="$(app_jar local-services)"
MIRROR_JAR="$(app_jar mirroring)"
readonly STREAMS_JAR GATEWAY_JAR LOCAL_SERVICES_JAR MIRROR_JAR
readonly STREAMS_HEALTH="http://127.0.0.1:$STREAMS_PORT/actuator/health/readiness"
readonly GATEWAY_HEALTH="http://127.0.0.1:$GATEWAY_PORT/actuator/health/readiness"

STREAMS_TIMEOUT="${GEOKV_STREAMS_START_TIMEOUT:-180}"
GATEWAY_TIMEOUT="${GEOKV_GATEWAY_START_TIMEOUT:-120}"

# Arguments both apps get: the store naming, only when set (the apps have their own defaults).
COMMON_APP_ARGS=()
if [[ -n "${GEOKV_DATABASE_PREFIX:-}" ]]; then
  COMMON_APP_ARGS+=("--geokv.database-prefix=$GEOKV_DATABASE_PREFIX")
fi
if [[ -n "${GEOKV_REDIS_FIRST_DATABASE:-}" ]]; then
  COMMON_APP_ARGS+=("--geokv.redis-first-database=$GEOKV_REDIS_FIRST_DATABASE")
fi
# Data residency: the same list for both apps (geokv.residency) and MirrorMaker 2 (--resident).
MIRROR_RESIDENT_ARGS=()
for resident in ${GEOKV_RESIDENCY:-}; do
  [[ "$resident" =~ ^[a-z0-9][a-z0-9_-]*=[a-z0-9-]+(,[a-z0-9-]+)*$ ]] \
    || die "GEOKV_RESIDENCY: '$resident' is not TENANT=REGION[,REGION...]"
  COMMON_APP_ARGS+=("--geokv.residency.tenants.${resident%%=*}=${resident#*=}")
  MIRROR_RESIDENT_ARGS+=(--resident "$resident")
done

usage() {
  cat <<EOF
Usage: scripts/run-local.sh [--rebuild] [--clusters 1|3]

Uses the PostgreSQL (127.0.0.1:$POSTGRES_PORT) and Redis (127.0.0.1:$REDIS_PORT) that answer, or starts
embedded ones; starts a local Kafka broker on $BOOTSTRAP (or one per region and MirrorMaker 2),
replication-streams (:$STREAMS_PORT) and api-gateway (:$GATEWAY_PORT); Ctrl-C stops them.

  --rebuild       build (mvn -q -B -DskipTests package) even if the jars are up to date
  --clusters N    1: one Kafka cluster holds every region's topic (the default); 3 (one per
                  region): a cluster per region, mirrored by MirrorMaker 2 (geokv.topology=multi)
  -h, --help      show this help
EOF
}

rebuild=0
clusters="${GEOKV_CLUSTERS:-1}"
while (($# > 0)); do
  case "$1" in
    --rebuild) rebuild=1 ;;
    --clusters)
      (($# > 1)) || { usage >&2; die "--clusters needs a number"; }
      clusters="$2"
      shift
      ;;
    --clusters=*) clusters="${1#--clusters=}" ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done

for port_var in GEOKV_GATEWAY_PORT GEOKV_STREAMS_PORT GEOKV_KAFKA_PORT GEOKV_KAFKA_CONTROLLER_PORT \
                GEOKV_POSTGRES_PORT GEOKV_REDIS_PORT; do
  if [[ -n "${!port_var:-}" && ! "${!port_var}" =~ ^[0-9]{1,5}$ ]]; then
    die "$port_var must be a TCP port number, not '${!port_var}'"
  fi
done
if [[ -n "${GEOKV_REDIS_FIRST_DATABASE:-}" && ! "$GEOKV_REDIS_FIRST_DATABASE" =~ ^[0-9]+$ ]]; then
  die "GEOKV_REDIS_FIRST_DATABASE must be a Redis database number, not '$GEOKV_REDIS_FIRST_DATABASE'"
fi

require_command java "a Java 17+ runtime is needed"
require_command curl

mkdir -p "$LOG_DIR"

# ---------------------------------------------------------------- build
apps_build_if_stale "$rebuild" "$STREAMS_JAR" "$GATEWAY_JAR" "$LOCAL_SERVICES_JAR" "$MIRROR_JAR" "$NAMES_JAR"

read -r -a REGIONS <<<"$(geokv_name default-regions)"
# The regions with a Kafka cluster of their own: none in the single topology ("" is its one cluster).
if [[ "$clusters" == 1 ]]; then
  CLUSTER_REGIONS=("")
elif [[ "$clusters" == "${#REGIONS[@]}" ]]; then
  CLUSTER_REGIONS=("${REGIONS[@]}")
else
  die "--clusters must be 1 or ${#REGIONS[@]} (one per region: ${REGIONS[*]}), not '$clusters'"
fi
# cluster_state <index>: the state folder of a cluster's broker (its kafka/ folder lives in it).
cluster_state() {
  if [[ -z "${CLUSTER_REGIONS[$1]}" ]]; then
    printf '%s\n' "$STATE"
  else
    printf '%s/clusters/%s\n' "$STATE" "${CLUSTER_REGIONS[$1]}"
  fi
}
# Each cluster's ports are 100 above the previous one's.
# kafka_logs_shown: where the brokers log, as the ready message shows it.
kafka_logs_shown() {
  if [[ -z "${CLUSTER_REGIONS[0]}" ]]; then
    printf '%s\n' "${STATE#"$ROOT"/}/kafka/logs/"
  else
    printf '%s\n' "${STATE#"$ROOT"/}/clusters/<region>/kafka/logs/"
  fi
}
cluster_port() { printf '%s\n' $((KAFKA_PORT + 100 * $1)); }
cluster_controller_port() { printf '%s\n' $((KAFKA_CONTROLLER_PORT + 100 * $1)); }

declare -A port_user=()
port_vars=(GATEWAY_PORT STREAMS_PORT POSTGRES_PORT REDIS_PORT)
for i in "${!CLUSTER_REGIONS[@]}"; do
  declare "KAFKA_PORT_$i=$(cluster_port "$i")" "KAFKA_CONTROLLER_PORT_$i=$(cluster_controller_port "$i")"
  port_vars+=("KAFKA_PORT_$i" "KAFKA_CONTROLLER_PORT_$i")
done
for port_var in "${port_vars[@]}"; do
  if [[ -n "${port_user[${!port_var}]:-}" ]]; then
    die "${port_user[${!port_var}]} and $port_var are both ${!port_var}; give them different ports (GEOKV_*)"
  fi
  port_user[${!port_var}]="$port_var"
done

# Stores on other ports than the apps' defaults: every region is pointed at them, with the
# Redis database the apps would pick themselves (the first region's, 1 unless set, plus its index).
if [[ "$POSTGRES_PORT" != 5432 || "$REDIS_PORT" != 6379 ]]; then
  redis_first_database="${GEOKV_REDIS_FIRST_DATABASE:-1}"
  ((redis_first_database > 0)) || redis_first_database=1 # the apps read 0 as "unset" too
  for i in "${!REGIONS[@]}"; do
    COMMON_APP_ARGS+=("--geokv.regions[$i].name=${REGIONS[i]}"
      "--geokv.regions[$i].postgres.port=$POSTGRES_PORT"
      "--geokv.regions[$i].redis.uri=redis://127.0.0.1:$REDIS_PORT/$((redis_first_database + i))")
  done
fi
# The multi topology: each region's cluster, and MirrorMaker 2 between them.
MIRROR_CLUSTERS=()
if [[ -n "${CLUSTER_REGIONS[0]}" ]]; then
  COMMON_APP_ARGS+=("--geokv.topology=multi")
  for i in "${!REGIONS[@]}"; do
    COMMON_APP_ARGS+=("--geokv.regions[$i].name=${REGIONS[i]}"
      "--geokv.regions[$i].kafka.bootstrap-servers=127.0.0.1:$(cluster_port "$i")")
    MIRROR_CLUSTERS+=(--cluster "${REGIONS[i]}=127.0.0.1:$(cluster_port "$i")")
  done
fi


# ---------------------------------------------------------------- infrastructure
# describe_port_owner <port>: who listens there, if ss can tell.
describe_port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$1" 2>/dev/null | sed 's/^/    /' >&2 || true
  fi
}

# refuse_busy_port <port> <what> [pidfile]: fail clearly when the port is already taken.
refuse_busy_port() {
  local port="$1" what="$2" pidfile="${3:-}" pid
  port_open 127.0.0.1 "$port" || return 0
  describe_port_owner "$port"
  if [[ -n "$pidfile" && -f "$pidfile" ]]; then
    pid="$(<"$pidfile")"
    if pid_alive "$pid"; then
      die "127.0.0.1:$port ($what) is taken by pid $pid, started by run-local: is run-local already running? If not, stop it with: kill $pid"
    fi
  fi
  die "something already answers on 127.0.0.1:$port, needed for $what; stop it and run this again"
}

for i in "${!CLUSTER_REGIONS[@]}"; do
  kafka_state="$(cluster_state "$i")"
  if old_kafka="$(kafka_pid "$kafka_state")"; then
    die "the Kafka broker of ${kafka_state#"$ROOT"/}/ is already running (pid $old_kafka): is run-local already running? If not, stop it with: kill $old_kafka"
  fi
  refuse_busy_port "$(cluster_port "$i")" "the Kafka broker${CLUSTER_REGIONS[i]:+ of ${CLUSTER_REGIONS[i]}}"
  refuse_busy_port "$(cluster_controller_port "$i")" "the Kafka controller${CLUSTER_REGIONS[i]:+ of ${CLUSTER_REGIONS[i]}}"
done
refuse_busy_port "$STREAMS_PORT" "replication-streams" "$STATE/replication-streams.pid"
refuse_busy_port "$GATEWAY_PORT" "api-gateway" "$STATE/api-gateway.pid"
# PostgreSQL and Redis: the ones that answer, or embedded ones (started after the cleanup trap is set).
local_services_plan "$STATE" "$POSTGRES_PORT" "$REDIS_PORT"

# ---------------------------------------------------------------- cleanup
kafka_started=0
mirror_pid=""
mirror_log_offset=0
streams_pid=""
gateway_pid=""
sleep_pid=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # The idle loop's background sleep, so nothing this script started outlives it.
  if [[ -n "$sleep_pid" ]]; then
    kill "$sleep_pid" 2>/dev/null || true
    wait "$sleep_pid" 2>/dev/null || true
  fi
  # Apps first (they flush to Kafka and PostgreSQL on shutdown), then the broker, then the stores.
  app_stop api-gateway "$gateway_pid" 30 "$STATE/api-gateway.pid"
  app_stop replication-streams "$streams_pid" 45 "$STATE/replication-streams.pid"
  app_stop mirror-maker "$mirror_pid" 30 "$STATE/mirror-maker.pid"
  if ((kafka_started)); then
    for i in "${!CLUSTER_REGIONS[@]}"; do
      kafka_stop "$(cluster_state "$i")"
    done
  fi
  local_services_stop "$STATE"
  log "stopped"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_app <name> <jar> [app args...]: start one app against the broker, logging to
# .geokv-local/logs/<name>.log; sets APP_PID (also recorded in .geokv-local/<name>.pid) and APP_LOG_OFFSET.
start_app() {
  local name="$1" jar="$2"
  shift 2
  app_start_jar "$name" "$LOG_DIR/$name.log" "$(app_java_opts "$name")" "$jar" --spring.kafka.bootstrap-servers="$BOOTSTRAP" "$@"
  printf '%s\n' "$APP_PID" >"$STATE/$name.pid"
}

# ---------------------------------------------------------------- PostgreSQL and Redis
local_services_start "$STATE" "$LOG_DIR/local-services.log"

# ---------------------------------------------------------------- Kafka
kafka_started=1
for i in "${!CLUSTER_REGIONS[@]}"; do
  kafka_state="$(cluster_state "$i")"
  if ! kafka_start "$kafka_state" "$(cluster_port "$i")" "$(cluster_controller_port "$i")"; then
    die "the Kafka broker${CLUSTER_REGIONS[i]:+ of ${CLUSTER_REGIONS[i]}} did not start (logs: ${kafka_state#"$ROOT"/}/kafka/logs/)"
  fi
done

# ---------------------------------------------------------------- apps
# Every request to either application needs a credential: an administrator's API key, made once
# and kept in the state folder; the applications are given only its hash.
[[ -s "$STATE/api-key" ]] || (umask 077 && printf '%s\n' "$(new_api_key local-admin)" > "$STATE/api-key")
COMMON_APP_ARGS+=(--geokv.security.api-keys[0].id=local-admin
  --geokv.security.api-keys[0].sha256="$(api_key_hash "$(cat "$STATE/api-key")")"
  --geokv.security.api-keys[0].roles[0]=admin
  "--geokv.security.api-keys[0].tenants[0]=*")
start_app replication-streams "$STREAMS_JAR" \
  --server.port="$STREAMS_PORT" \
  --geokv.replication.state-dir="$STATE/streams-state" \
  ${COMMON_APP_ARGS[@]+"${COMMON_APP_ARGS[@]}"}
streams_pid="$APP_PID"
streams_log_offset="$APP_LOG_OFFSET"
app_await_http replication-streams "$streams_pid" "$LOG_DIR/replication-streams.log" "$streams_log_offset" \
  "$STREAMS_HEALTH" "$STREAMS_TIMEOUT"

# ---------------------------------------------------------------- MirrorMaker 2 (multi)
# One process mirrors into every region's cluster here; a deployment runs one beside each
# cluster (--region). It starts once replication-streams has created every region's topic in
# every cluster: MirrorMaker 2 looks for new topics only every refresh.topics.interval.seconds
# (10 minutes). One broker per cluster: every topic MirrorMaker 2 makes has one replica.
if ((${#MIRROR_CLUSTERS[@]} > 0)); then
  read -r -a mirror_java_opts <<<"${GEOKV_MIRROR_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}"
  app_start mirror-maker "$LOG_DIR/mirror-maker.log" java "${mirror_java_opts[@]}" -jar "$MIRROR_JAR" \
    "${MIRROR_CLUSTERS[@]}" ${MIRROR_RESIDENT_ARGS[@]+"${MIRROR_RESIDENT_ARGS[@]}"} --replication-factor 1
  mirror_pid="$APP_PID"
  printf '%s\n' "$mirror_pid" >"$STATE/mirror-maker.pid"
  mirror_log_offset="$APP_LOG_OFFSET"
  app_await mirror-maker "$mirror_pid" "$LOG_DIR/mirror-maker.log" "$mirror_log_offset" 120 "mirroring" \
    log_contains_since "$LOG_DIR/mirror-maker.log" "$mirror_log_offset" "geokv-mirror-maker mirroring into"
fi

# Context and session tokens stay valid across restarts: the key that seals them lives with the local state.
if [[ -z "${GEOKV_GATEWAY_TOKEN_SECRET:-}" ]]; then
  [[ -s "$STATE/token-secret" ]] || (umask 077 && head -c 32 /dev/urandom | base64 > "$STATE/token-secret")
  GEOKV_GATEWAY_TOKEN_SECRET="$(cat "$STATE/token-secret")"
fi
export GEOKV_GATEWAY_TOKEN_SECRET
start_app api-gateway "$GATEWAY_JAR" \
  --server.port="$GATEWAY_PORT" \
  ${COMMON_APP_ARGS[@]+"${COMMON_APP_ARGS[@]}"}
gateway_pid="$APP_PID"
gateway_log_offset="$APP_LOG_OFFSET"
app_await_http api-gateway "$gateway_pid" "$LOG_DIR/api-gateway.log" "$gateway_log_offset" \
  "$GATEWAY_HEALTH" "$GATEWAY_TIMEOUT"

cat <<EOF

geokv is ready: http://localhost:$GATEWAY_PORT
An administrator's API key (kept in ${STATE#"$ROOT"/}/api-key; docs/security.md):
  $(cat "$STATE/api-key")

  export GEOKV_API_KEY=\$(cat ${STATE#"$ROOT"/}/api-key)
  curl -X PUT -H "Authorization: Bearer \$GEOKV_API_KEY" --data 'hello' http://localhost:$GATEWAY_PORT/kv/greeting
  curl -H "Authorization: Bearer \$GEOKV_API_KEY" http://localhost:$GATEWAY_PORT/kv/greeting

Logs: ${LOG_DIR#"$ROOT"/}/ (api-gateway.log, replication-streams.log$([[ -n "$mirror_pid" ]] && echo ', mirror-maker.log')$([[ -n "$LOCAL_SERVICES_PID" ]] && echo ', local-services.log')) and $(kafka_logs_shown)
Press Ctrl-C to stop everything.
EOF

# ---------------------------------------------------------------- wait
# Stay in the foreground until Ctrl-C (or SIGTERM), or until one of the processes dies.
kafka_broker_pids=()
for i in "${!CLUSTER_REGIONS[@]}"; do
  kafka_broker_pids+=("$(kafka_pid "$(cluster_state "$i")" || true)")
done
while true; do
  if ! pid_alive "$streams_pid"; then
    show_log_since "$LOG_DIR/replication-streams.log" "$streams_log_offset" 40
    die "replication-streams exited unexpectedly; stopping the rest"
  fi
  if ! pid_alive "$gateway_pid"; then
    show_log_since "$LOG_DIR/api-gateway.log" "$gateway_log_offset" 40
    die "api-gateway exited unexpectedly; stopping the rest"
  fi
  if [[ -n "$LOCAL_SERVICES_PID" ]] && ! pid_alive "$LOCAL_SERVICES_PID"; then
    show_log_tail "$LOG_DIR/local-services.log" 40
    die "the embedded PostgreSQL/Redis (local-services) exited unexpectedly; stopping the rest"
  fi
  for i in "${!kafka_broker_pids[@]}"; do
    if [[ -n "${kafka_broker_pids[i]}" ]] && ! pid_alive "${kafka_broker_pids[i]}"; then
      show_log_tail "$(cluster_state "$i")/kafka/logs/server.log" 40
      die "the Kafka broker${CLUSTER_REGIONS[i]:+ of ${CLUSTER_REGIONS[i]}} exited unexpectedly; stopping the rest"
    fi
  done
  if [[ -n "$mirror_pid" ]] && ! pid_alive "$mirror_pid"; then
    show_log_since "$LOG_DIR/mirror-maker.log" "$mirror_log_offset" 40
    die "MirrorMaker 2 exited unexpectedly; stopping the rest"
  fi
  # A background sleep plus 'wait' lets INT/TERM run the trap at once.
  sleep 2 &
  sleep_pid=$!
  wait "$sleep_pid" || true
done
