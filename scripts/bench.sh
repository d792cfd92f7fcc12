#!/usr/bin/env bash
# Benchmark geokv against its raw components, measured in the same run on this machine:
#   - builds when a jar is missing or older than the sources (scripts/lib/apps.sh), makes sure
#     PostgreSQL, Redis, redis-benchmark and wrk (the HTTP load generator) are there;
#   - starts its own Kafka broker, replication-streams and api-gateway on other ports, with
#     databases and Redis databases of their own (never a user's data: geokv_bench_*, Redis 13-15),
#     from a clean slate;
#   - runs the bench CLI (bench/ module): scenarios materialize, replay, write, read, read_uncached, rate_limits,
#     bulk_load, change_feed, lag, recovery (kills replication-streams and starts it again), memory;
#   - then, for lag_multi (in the full run, or when --only names it), stops them and starts the multi
#     topology (a broker per region, MirrorMaker 2, both apps with databases geokv_bench_multi_*) for
#     it, and merges its report into the run's;
#   - stops everything it started, validates the report and prints where it went.
# Results: bench/results/<date>[-quick].json plus a short table on stdout.
#
# Usage: scripts/bench.sh [--quick] [--profile] [--only ID[,ID...]]
#   --profile: CPU profiles (async-profiler, from Maven Central) of the broker and both apps during
#              each scenario, as flame graphs in bench/tmp/profiles/<scenario>-<process>.html
# Environment (all optional):
#   GEOKV_BENCH_KAFKA_PORT (19092), GEOKV_BENCH_KAFKA_CONTROLLER_PORT (19093; lag_multi's clusters
#   take the ports 100, 200 and 300 above both),
#   GEOKV_BENCH_STREAMS_PORT (18010), GEOKV_BENCH_GATEWAY_PORT (18009),
#   GEOKV_BENCH_REDIS_FIRST_DATABASE (13: the bench uses this one and the next two),
#   GEOKV_APP_JAVA_OPTS (-Xmx320m -XX:+UseParallelGC, the gateway -Xmx256m), GEOKV_BENCH_TIMEOUT (seconds for the bench CLI; 300 quick, 1800 full),
#   GEOKV_BENCH_PROFILE_FORMAT (html, or collapsed: one line per stack),
#   GEOKV_BENCH_PROFILE_EVENT (cpu; alloc: allocated bytes; wall: wall-clock time per thread)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/kafka.sh
source "$SCRIPT_DIR/lib/kafka.sh"
# shellcheck source=lib/apps.sh
source "$SCRIPT_DIR/lib/apps.sh"

ROOT="$(geokv_root)"
STATE="$ROOT/bench/tmp/run"
LOG_DIR="$STATE/logs"

KAFKA_PORT="${GEOKV_BENCH_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${GEOKV_BENCH_KAFKA_CONTROLLER_PORT:-19093}"
STREAMS_PORT="${GEOKV_BENCH_STREAMS_PORT:-18010}"
GATEWAY_PORT="${GEOKV_BENCH_GATEWAY_PORT:-18009}"
REDIS_FIRST_DATABASE="${GEOKV_BENCH_REDIS_FIRST_DATABASE:-13}"
readonly DATABASE_PREFIX="geokv_bench_"
readonly BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

readonly MULTI_DATABASE_PREFIX="geokv_bench_multi_"

STREAMS_JAR="$(app_jar replication-streams)"
GATEWAY_JAR="$(app_jar api-gateway)"
BENCH_JAR="$(app_jar bench)"
MIRROR_JAR="$(app_jar mirroring)"
readonly STREAMS_JAR GATEWAY_JAR BENCH_JAR MIRROR_JAR

usage() {
  cat <<EOF
Usage: scripts/bench.sh [--quick] [--profile] [--only ID[,ID...]]

Runs the geokv benchmark on this machine (its own broker and apps on ports $KAFKA_PORT,
$STREAMS_PORT, $GATEWAY_PORT) and writes bench/results/<date>[-quick].json.

  --quick     every scenario small (under 2 minutes of measuring), to check the script itself
  --profile   CPU flame graphs of every process per scenario in bench/tmp/profiles/ (async-profiler)
  --only IDS  only these scenarios (materialize, replay, write, read, read_uncached, rate_limits, bulk_load, change_feed, lag,
              recovery, memory, lag_multi), for work on one of them: a partial report (<date>[-quick]-partial.json)
  -h, --help  show this help
EOF
}

quick=0
profile=0
only=""
while (($# > 0)); do
  case "$1" in
    --quick) quick=1 ;;
    --profile) profile=1 ;;
    --only) (($# > 1)) || die "--only needs scenario ids"; only="$2"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done

require_command java "a Java 17+ runtime is needed"
require_command curl

# ---------------------------------------------------------------- build
apps_build_if_stale 0 "$STREAMS_JAR" "$GATEWAY_JAR" "$BENCH_JAR" "$MIRROR_JAR" "$NAMES_JAR"

# The apps' default regions, from the naming authority.
read -r -a REGIONS <<<"$(geokv_name default-regions)"
readonly REGIONS
((REDIS_FIRST_DATABASE >= 0 && REDIS_FIRST_DATABASE + ${#REGIONS[@]} <= 16)) \
  || die "GEOKV_BENCH_REDIS_FIRST_DATABASE=$REDIS_FIRST_DATABASE leaves no room for ${#REGIONS[@]} Redis databases (0-15)"

# async-profiler's native library, from Maven Central (only with --profile).
readonly ASYNC_PROFILER_VERSION="4.1"
PROFILER_LIB=""
if ((profile)); then
  require_command mvn "Maven is needed to fetch async-profiler"
  profiler_dir="$ROOT/bench/tmp/async-profiler-$ASYNC_PROFILER_VERSION"
  PROFILER_LIB="$profiler_dir/linux-x64/libasyncProfiler.so"
  [[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || die "--profile is wired for Linux x86_64 only"
  if [[ ! -f "$PROFILER_LIB" ]]; then
    log "fetching async-profiler $ASYNC_PROFILER_VERSION from Maven Central"
    mvn -q -B dependency:copy -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" \
      -DoutputDirectory="$profiler_dir" -Dmdep.stripVersion=true || die "could not fetch async-profiler"
    (cd "$profiler_dir" && jar xf async-profiler.jar linux-x64/libasyncProfiler.so) || die "could not unpack async-profiler"
  fi
  rm -rf "$ROOT/bench/tmp/profiles"
fi

# ---------------------------------------------------------------- infrastructure
ensure_postgres
ensure_redis
require_command psql "the PostgreSQL client is needed to reset the bench databases"
if ! command -v redis-benchmark >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
    log "installing redis-tools (redis-benchmark) with apt-get"
    timeout 300 apt-get install -y -q redis-tools >/dev/null \
      || log "could not install redis-tools; the read scenario will report redis-benchmark as unavailable"
  else
    log "redis-benchmark is missing (Debian: apt-get install redis-tools); the read scenario will report it as unavailable"
  fi
fi

# wrk is the HTTP load generator of the write and read scenarios (and of their HTTP ceiling): required.
require_debian_command wrk wrk "the HTTP load generator"

# lag_multi runs after the others, against a Kafka cluster per region on the ports above the single one's.
run_multi=0
single_only="$only"
if [[ -z "$only" ]]; then
  run_multi=1
elif [[ ",$only," == *",lag_multi,"* ]]; then
  run_multi=1
  single_only="$(printf '%s' ",$only," | sed 's/,lag_multi,/,/g; s/^,//; s/,$//')"
fi
multi_port() { printf '%s\n' $((KAFKA_PORT + 100 * ($1 + 1))); }
multi_controller_port() { printf '%s\n' $((KAFKA_CONTROLLER_PORT + 100 * ($1 + 1))); }
multi_ports=()
if ((run_multi)); then
  for i in "${!REGIONS[@]}"; do
    multi_ports+=("$(multi_port "$i")" "$(multi_controller_port "$i")")
  done
fi

for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$STREAMS_PORT" "$GATEWAY_PORT" ${multi_ports[@]+"${multi_ports[@]}"}; do
  if port_open 127.0.0.1 "$port"; then
    die "127.0.0.1:$port is already in use (another bench run?); free it or set GEOKV_BENCH_*_PORT"
  fi
done

# A clean slate: fresh broker and Streams state, empty bench databases and Redis databases.
# (The broker's resolved classpath in $STATE/kafka is kept: resolving it again costs Maven time.)
rm -rf "$STATE/kafka/data" "$STATE/kafka/logs" "$STATE/streams-state" "$LOG_DIR" "$STATE/replication-streams.pid"
for region in "${REGIONS[@]}"; do
  rm -rf "$STATE/clusters/$region/kafka/data" "$STATE/clusters/$region/kafka/logs"
done
mkdir -p "$LOG_DIR"
# reset_stores <database prefix>: the regions' databases dropped, the bench's Redis databases emptied.
reset_stores() {
  local region db i
  for region in "${REGIONS[@]}"; do
    db="$(geokv_name database "$1" "$region")"
    psql -q -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || die "could not drop the bench database $db"
  done
  for ((i = 0; i < ${#REGIONS[@]}; i++)); do
    redis-cli -h 127.0.0.1 -p 6379 -n $((REDIS_FIRST_DATABASE + i)) flushdb >/dev/null \
      || die "could not empty Redis database $((REDIS_FIRST_DATABASE + i))"
  done
}
reset_stores "$DATABASE_PREFIX"

# ---------------------------------------------------------------- cleanup
kafka_started=0
multi_started=0
mirror_pid=""
streams_pid=""
gateway_pid=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # The recovery scenario kills replication-streams and starts it again: stop the one running now.
  if [[ -s "$STATE/replication-streams.pid" ]]; then
    streams_pid="$(cat "$STATE/replication-streams.pid")"
  fi
  app_stop api-gateway "$gateway_pid" 30
  app_stop replication-streams "$streams_pid" 45
  app_stop mirror-maker "$mirror_pid" 30
  ((kafka_started)) && kafka_stop "$STATE"
  if ((multi_started)); then
    for region in "${REGIONS[@]}"; do
      kafka_stop "$STATE/clusters/$region"
    done
  fi
  log "stopped what the bench started (logs: ${STATE#"$ROOT"/}/)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_app <name> <jar> <health url> <timeout> [args...]: start against the deployment's broker(s)
# and databases (APP_ARGS), wait until healthy; sets APP_PID.
APP_ARGS=(--spring.kafka.bootstrap-servers="$BOOTSTRAP" --geokv.database-prefix="$DATABASE_PREFIX")
start_app() {
  local name="$1" jar="$2" url="$3" timeout="$4"
  shift 4
  local logfile="$LOG_DIR/$name.log"
  app_start_jar "$name" "$logfile" "$(app_java_opts "$name")" "$jar" "${APP_ARGS[@]}" \
    --geokv.redis-first-database="$REDIS_FIRST_DATABASE" "$@"
  app_await_http "$name" "$APP_PID" "$logfile" "$APP_LOG_OFFSET" "$url" "$timeout"
}

# ---------------------------------------------------------------- start
# start_apps: replication-streams and api-gateway (with its bench endpoints); sets their pids.
start_apps() {
  rm -rf "$STATE/streams-state"
  start_app replication-streams "$STREAMS_JAR" "http://127.0.0.1:$STREAMS_PORT/actuator/health/readiness" 180 \
    --server.port="$STREAMS_PORT" --geokv.replication.state-dir="$STATE/streams-state" \
    --geokv.security.anonymous.roles[0]=admin
  streams_pid="$APP_PID"
  # Anonymous access as an administrator, without rate limits: the load generators send no
  # credential and go far beyond the default limits. The security filters and the rate limiter
  # still run on every request, the geokv ones and the references alike. One tenant has a limit:
  # the rate_limits scenario's noisy tenant (RateLimitScenario.NOISY_LIMIT).
  start_app api-gateway "$GATEWAY_JAR" "http://127.0.0.1:$GATEWAY_PORT/actuator/health/readiness" 120 \
    --server.port="$GATEWAY_PORT" --geokv.gateway.bench-endpoints=true \
    --geokv.security.anonymous.roles[0]=admin \
    --geokv.security.rate-limits.credential.requests=0 \
    --geokv.security.rate-limits.tenant.requests=0 \
    --geokv.security.rate-limits.admin-scan.requests=0 \
    --geokv.security.rate-limits.tenants.bench-noisy.requests=100
  gateway_pid="$APP_PID"
}

run_single=1
[[ -n "$only" && -z "$single_only" ]] && run_single=0
if ((run_single)); then
  kafka_started=1
  kafka_start "$STATE" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" || die "the Kafka broker did not start"
  kafka_broker_pid="$(kafka_pid "$STATE")"
  start_apps
fi

# ---------------------------------------------------------------- run
mkdir -p "$ROOT/bench/results"
report="$ROOT/bench/results/$(date '+%Y-%m-%dT%H-%M-%S')"
if ((quick)); then
  report+="-quick"
  bench_timeout="${GEOKV_BENCH_TIMEOUT:-300}"
else
  bench_timeout="${GEOKV_BENCH_TIMEOUT:-1800}"
fi
report+="${only:+-partial}.json"
common_args=(--gateway "http://127.0.0.1:$GATEWAY_PORT" --streams "http://127.0.0.1:$STREAMS_PORT"
  --redis-database "$REDIS_FIRST_DATABASE")
((quick)) && common_args+=(--quick)
((profile)) && common_args+=(--profiler-lib "$PROFILER_LIB" --profile-dir "$ROOT/bench/tmp/profiles"
  --profile-format "${GEOKV_BENCH_PROFILE_FORMAT:-html}" --profile-event "${GEOKV_BENCH_PROFILE_EVENT:-cpu}")

bench_status=0
if ((run_single)); then
  bench_args=("${common_args[@]}" --bootstrap "$BOOTSTRAP" --database-prefix "$DATABASE_PREFIX" --output "$report"
    --restarted-pid-file "$STATE/replication-streams.pid"
    --pid "kafka-broker=$kafka_broker_pid" --pid "replication-streams=$streams_pid" --pid "api-gateway=$gateway_pid")
  [[ -n "$single_only" ]] && bench_args+=(--only "$single_only")
  log "running the benchmark$( ((quick)) && echo ' (quick)'); at most ${bench_timeout}s"
  timeout "$bench_timeout" java -Xmx1g -jar "$BENCH_JAR" "${bench_args[@]}" || bench_status=$?
  [[ -f "$report" ]] || die "the benchmark wrote no report (exit code $bench_status)"
  # The recovery scenario restarted replication-streams: stop the one running now.
  [[ -s "$STATE/replication-streams.pid" ]] && streams_pid="$(cat "$STATE/replication-streams.pid")"
  app_stop api-gateway "$gateway_pid" 30
  app_stop replication-streams "$streams_pid" 45
  # Stopped: the cleanup must not take its pid file for lag_multi's replication-streams.
  rm -f "$STATE/replication-streams.pid"
  gateway_pid=""
  streams_pid=""
  kafka_stop "$STATE"
  kafka_started=0
fi

# ---------------------------------------------------------------- lag_multi: the multi topology
if ((run_multi)); then
  log "starting the multi topology for lag_multi: a Kafka cluster per region and MirrorMaker 2"
  reset_stores "$MULTI_DATABASE_PREFIX"
  multi_started=1
  cluster_args=()
  mirror_args=()
  APP_ARGS=(--geokv.topology=multi --geokv.database-prefix="$MULTI_DATABASE_PREFIX")
  for i in "${!REGIONS[@]}"; do
    kafka_start "$STATE/clusters/${REGIONS[i]}" "$(multi_port "$i")" "$(multi_controller_port "$i")" \
      || die "the Kafka broker of ${REGIONS[i]} did not start"
    servers="127.0.0.1:$(multi_port "$i")"
    APP_ARGS+=("--geokv.regions[$i].name=${REGIONS[i]}" "--geokv.regions[$i].kafka.bootstrap-servers=$servers")
    cluster_args+=(--cluster "${REGIONS[i]}=$servers")
    mirror_args+=(--cluster "${REGIONS[i]}=$servers")
  done
  start_apps
  # After the apps created every region's topic in every cluster (MirrorMaker 2 looks for new topics only
  # every 10 minutes); one broker per cluster: every topic MirrorMaker 2 makes has one replica.
  app_start mirror-maker "$LOG_DIR/mirror-maker.log" java -Xmx256m -XX:+UseSerialGC -jar "$MIRROR_JAR" "${mirror_args[@]}" \
    --replication-factor 1
  mirror_pid="$APP_PID"
  app_await mirror-maker "$mirror_pid" "$LOG_DIR/mirror-maker.log" "$APP_LOG_OFFSET" 120 "mirroring" \
    log_contains_since "$LOG_DIR/mirror-maker.log" "$APP_LOG_OFFSET" "geokv-mirror-maker mirroring into"

  part="${report%.json}-lag_multi.json"
  multi_args=("${common_args[@]}" --bootstrap "127.0.0.1:$(multi_port 0)" --database-prefix "$MULTI_DATABASE_PREFIX"
    "${cluster_args[@]}" --only lag_multi --output "$part"
    --pid "replication-streams=$streams_pid" --pid "api-gateway=$gateway_pid" --pid "mirror-maker=$mirror_pid")
  log "running lag_multi$( ((quick)) && echo ' (quick)'); at most ${bench_timeout}s"
  multi_status=0
  timeout "$bench_timeout" java -Xmx1g -jar "$BENCH_JAR" "${multi_args[@]}" || multi_status=$?
  [[ -f "$part" ]] || die "lag_multi wrote no report (exit code $multi_status)"
  if ((run_single)); then
    java -jar "$BENCH_JAR" merge "$report" "$part" || die "could not merge ${part#"$ROOT"/} into the report"
    rm -f "$part"
  else
    mv "$part" "$report"
  fi
  ((bench_status == 0)) && bench_status=$multi_status
fi

java -jar "$BENCH_JAR" validate "$report" || die "the report ${report#"$ROOT"/} is incomplete"
((bench_status == 0)) || die "the benchmark exited with $bench_status (report: ${report#"$ROOT"/})"
log "report: ${report#"$ROOT"/}"
