# shellcheck shell=bash
# PostgreSQL and Redis for scripts/run-local.sh: the ones that answer on the ports the apps use,
# or else embedded ones (the local-services module: zonky's PostgreSQL binaries, the Redis
# server bundled by embedded-redis) that live and die with the script. Source it:
#   source "<repo>/scripts/lib/local-services.sh"
#   local_services_plan <stateDir> <postgresPort> <redisPort>  # one log line per store
#   local_services_start <stateDir> <log file>                  # starts what the plan needs, if anything
#   local_services_stop <stateDir>
#
# In <stateDir>: postgres/ (the embedded PostgreSQL's data, kept across runs), redis/ (its pid
# file; Redis is a cache, nothing is kept), embedded/ (the PostgreSQL binaries, unpacked once),
# local-services.pid.

if [[ -n "${GEOKV_LOCAL_SERVICES_SH_LOADED:-}" ]]; then
  return 0
fi
GEOKV_LOCAL_SERVICES_SH_LOADED=1

# shellcheck source=apps.sh
source "$(dirname "${BASH_SOURCE[0]}")/apps.sh"

# Arguments of the local-services program the plan asks for (empty: nothing to start).
LOCAL_SERVICES_ARGS=()
# The port of the embedded PostgreSQL the plan asks for (empty: none).
LOCAL_SERVICES_POSTGRES_PORT=""
LOCAL_SERVICES_PID=""
readonly LOCAL_SERVICES_START_TIMEOUT=120
readonly LOCAL_SERVICES_JAVA_OPTS=(-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

# _local_services_pid <pid file> <command pattern>: print the pid recorded in the file (first
# line) and succeed when that process runs and its command line matches the pattern.
_local_services_pid() {
  local pidfile="$1" pattern="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(head -n 1 "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
  fi
  printf '%s\n' "$pid"
}

# _local_services_leftovers <stateDir>: refuse to go on while local-services of this state folder
# runs; stop an embedded PostgreSQL or Redis whose local-services was killed without stopping it.
_local_services_leftovers() {
  local state="$1" pid
  if pid="$(_local_services_pid "$state/local-services.pid" local-services)"; then
    die "the embedded PostgreSQL/Redis of $(_apps_shown "$state")/ run already (local-services, pid $pid): is run-local already running? If not, stop it with: kill $pid"
  fi
  if pid="$(_local_services_pid "$state/postgres/postmaster.pid" postgres)"; then
    log "an embedded PostgreSQL of an earlier run was left running; stopping it"
    stop_pid "$pid" "embedded PostgreSQL" 30
  fi
  if pid="$(_local_services_pid "$state/redis/redis-server.pid" redis-server)"; then
    log "an embedded Redis of an earlier run was left running; stopping it"
    stop_pid "$pid" "embedded Redis" 15
  fi
}

# local_services_plan <stateDir> <postgresPort> <redisPort>: decide, per store, between what
# answers on 127.0.0.1:<port> and an embedded one, and say so in one log line each. A PostgreSQL
# that is down on the default port is started first when this machine has one installed (and the
# script runs as root, which pg_ctlcluster needs). Sets LOCAL_SERVICES_ARGS; dies when a port is
# taken by something else.
local_services_plan() {
  local state="$1" postgres_port="$2" redis_port="$3"
  LOCAL_SERVICES_ARGS=()
  LOCAL_SERVICES_POSTGRES_PORT=""
  _local_services_leftovers "$state"

  if postgres_answers 127.0.0.1 "$postgres_port"; then
    log "PostgreSQL answers on 127.0.0.1:$postgres_port: using it"
  elif port_open 127.0.0.1 "$postgres_port"; then
    die "something listens on 127.0.0.1:$postgres_port but does not answer as PostgreSQL; free the port or set GEOKV_POSTGRES_PORT"
  elif ((postgres_port == 5432)) && [[ "$(id -u)" == 0 ]] && start_installed_postgres; then
    :
  else
    log "nothing answers on 127.0.0.1:$postgres_port: starting an embedded PostgreSQL there (data in $(_apps_shown "$state")/postgres)"
    LOCAL_SERVICES_ARGS+=(--postgres-port "$postgres_port" --postgres-data "$state/postgres")
    LOCAL_SERVICES_POSTGRES_PORT="$postgres_port"
  fi

  if redis_answers 127.0.0.1 "$redis_port"; then
    log "Redis answers on 127.0.0.1:$redis_port: using it"
  elif port_open 127.0.0.1 "$redis_port"; then
    die "something listens on 127.0.0.1:$redis_port but does not answer PING as Redis (without a password); free the port or set GEOKV_REDIS_PORT"
  else
    log "nothing answers on 127.0.0.1:$redis_port: starting an embedded Redis there (a cache: nothing is kept)"
    LOCAL_SERVICES_ARGS+=(--redis-port "$redis_port" --redis-dir "$state/redis")
  fi
}

# _local_services_ready <log file> <offset>: true once local-services printed its ready line.
_local_services_ready() {
  tail -c "+$(($2 + 1))" "$1" 2>/dev/null | grep -q '^local-services ready:'
}

# local_services_start <stateDir> <log file>: start what local_services_plan asked for (nothing
# when it asked for nothing) and wait until it accepts connections; dies when it does not. It
# stops by itself when this script's process ends. Sets LOCAL_SERVICES_PID.
local_services_start() {
  local state="$1" logfile="$2"
  ((${#LOCAL_SERVICES_ARGS[@]})) || return 0
  local -a command=(java "${LOCAL_SERVICES_JAVA_OPTS[@]}" -jar "$(app_jar local-services)"
    "${LOCAL_SERVICES_ARGS[@]}" --binaries-dir "$state/embedded" --stop-with "$$")
  # PostgreSQL refuses to run as root. In a user namespace of its own the same process is an
  # unprivileged user (nobody) that still owns root's files, so the state folder stays as it is.
  if [[ "$(id -u)" == 0 && -n "$LOCAL_SERVICES_POSTGRES_PORT" ]]; then
    if ! unshare --user true 2>/dev/null; then
      die "an embedded PostgreSQL cannot run as root, and this machine allows no user namespace (unshare --user) to run it as another user: run this script as a normal user, or start a PostgreSQL on 127.0.0.1:$LOCAL_SERVICES_POSTGRES_PORT yourself"
    fi
    command=(unshare --user "${command[@]}")
  fi
  app_start local-services "$logfile" "${command[@]}"
  LOCAL_SERVICES_PID="$APP_PID"
  printf '%s\n' "$LOCAL_SERVICES_PID" >"$state/local-services.pid"
  app_await local-services "$LOCAL_SERVICES_PID" "$logfile" "$APP_LOG_OFFSET" "$LOCAL_SERVICES_START_TIMEOUT" \
    "ready" _local_services_ready "$logfile" "$APP_LOG_OFFSET"
  log "$(tail -c "+$((APP_LOG_OFFSET + 1))" "$logfile" | grep -m 1 '^local-services ready:' | sed 's/^local-services ready: /embedded /')"
}

# local_services_stop <stateDir>: stop what local_services_start started (a no-op otherwise).
local_services_stop() {
  app_stop local-services "$LOCAL_SERVICES_PID" 45 "$1/local-services.pid"
  LOCAL_SERVICES_PID=""
}
