# shellcheck shell=bash
# Helpers shared by the geokv scripts. Source it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Every wait in here is bounded; a function that gives up returns non-zero after logging why.

if [[ -n "${GEOKV_COMMON_SH_LOADED:-}" ]]; then
  return 0
fi
GEOKV_COMMON_SH_LOADED=1

# Root of the repository (two levels above this file), printed as an absolute path.
geokv_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
}

# log <message...>: a timestamped line on stderr, so stdout stays usable for data.
log() {
  printf '[geokv %s] %s\n' "$(date '+%H:%M:%S')" "$*" >&2
}

# die <message...>: log and exit 1.
die() {
  log "ERROR: $*"
  exit 1
}

# require_command <name> [hint]: fail clearly when a program is missing from PATH.
require_command() {
  local name="$1" hint="${2:-}"
  if ! command -v "$name" >/dev/null 2>&1; then
    die "'$name' is not installed or not on PATH${hint:+ ($hint)}"
  fi
}

# show_log_tail <file> [lines]: print the end of a log file on stderr, framed, if it exists.
show_log_tail() {
  local file="$1" lines="${2:-40}"
  if [[ -s "$file" ]]; then
    printf '%s\n' "----- last $lines lines of $file -----" >&2
    tail -n "$lines" "$file" >&2
    printf '%s\n' "----- end of $file -----" >&2
  else
    log "(no output in $file)"
  fi
}

# file_size <file>: size in bytes, 0 when the file does not exist.
file_size() {
  if [[ -f "$1" ]]; then
    wc -c <"$1" | tr -d ' '
  else
    echo 0
  fi
}

# show_log_since <file> <byteOffset> [lines]: like show_log_tail, but only what was written
# after <byteOffset> (the file's size before a process was started), so older runs do not show.
show_log_since() {
  local file="$1" offset="$2" lines="${3:-40}"
  if [[ -f "$file" ]] && (($(file_size "$file") > offset)); then
    printf '%s\n' "----- last $lines lines of $file -----" >&2
    tail -c "+$((offset + 1))" "$file" | tail -n "$lines" >&2
    printf '%s\n' "----- end of $file -----" >&2
  else
    log "(no new output in $file)"
  fi
}

# pid_alive <pid>: true while the process exists.
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null
}

# port_open <host> <port>: true when something accepts TCP connections there.
port_open() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash, on purpose.
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" >/dev/null 2>&1
}

# wait_for_port <host> <port> <seconds> [pid]: wait until the port accepts connections.
# With a pid, stop waiting (and fail) as soon as that process has exited.
wait_for_port() {
  local host="$1" port="$2" seconds="$3" pid="${4:-}"
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    if port_open "$host" "$port"; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
      log "process $pid exited before $host:$port accepted connections"
      return 1
    fi
    sleep 0.5
  done
  log "$host:$port did not accept connections within ${seconds}s"
  return 1
}

# wait_for_http <url> <seconds> [pid]: wait until GET <url> answers with a 2xx status.
# With a pid, stop waiting (and fail) as soon as that process has exited.
wait_for_http() {
  local url="$1" seconds="$2" pid="${3:-}"
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    if curl -fsS -o /dev/null --max-time 3 "$url" 2>/dev/null; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
      log "process $pid exited before $url answered"
      return 1
    fi
    sleep 1
  done
  log "$url did not answer with a 2xx status within ${seconds}s"
  return 1
}

# stop_pid <pid> <name> [seconds]: SIGTERM, wait (bounded), then SIGKILL. No-op if already gone.
stop_pid() {
  local pid="$1" name="$2" seconds="${3:-30}"
  pid_alive "$pid" || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + seconds))
  while pid_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if pid_alive "$pid"; then
    log "$name (pid $pid) still running after ${seconds}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  # Reap it if it is our child; ignore "not a child" and its exit status.
  wait "$pid" 2>/dev/null || true
}

# ensure_postgres: make sure the local PostgreSQL answers on 127.0.0.1:5432, starting the
# Debian cluster (pg_ctlcluster) when it is down.
ensure_postgres() {
  require_command pg_isready "install the PostgreSQL client and server"
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    log "PostgreSQL is up on 127.0.0.1:5432"
    return 0
  fi
  require_command pg_ctlcluster "PostgreSQL is down and there is no Debian pg_ctlcluster to start it; start it yourself"
  local version
  version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$version" ]] || die "PostgreSQL is down and no cluster was found under /etc/postgresql; start it yourself"
  log "PostgreSQL is down; starting cluster $version/main"
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
    die "could not start PostgreSQL cluster $version/main (try: pg_ctlcluster $version main start, as root or postgres)"
  fi
  local deadline=$((SECONDS + 30))
  until pg_isready -q -h 127.0.0.1 -p 5432; do
    ((SECONDS < deadline)) || die "PostgreSQL did not accept connections on 127.0.0.1:5432 within 30s"
    sleep 0.5
  done
  log "PostgreSQL is up on 127.0.0.1:5432"
}

# ensure_redis: make sure a Redis answers on 127.0.0.1:6379, starting a throw-away one
# (no persistence: it is only a cache) when none does.
ensure_redis() {
  require_command redis-cli "install redis-tools / redis-server"
  if [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" == "PONG" ]]; then
    log "Redis is up on 127.0.0.1:6379"
    return 0
  fi
  require_command redis-server "Redis is down and redis-server is not installed"
  log "Redis is down; starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null \
    || die "could not start redis-server"
  local deadline=$((SECONDS + 15))
  until [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" == "PONG" ]]; do
    ((SECONDS < deadline)) || die "Redis did not answer PING on 127.0.0.1:6379 within 15s"
    sleep 0.5
  done
  log "Redis is up on 127.0.0.1:6379"
}
