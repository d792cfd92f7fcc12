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

# require_debian_command <name> <package> <what it is>: like require_command, but first installs
# the Debian package that has it when it is missing and this is root on a machine with apt-get.
require_debian_command() {
  local name="$1" package="$2" what="$3"
  if ! command -v "$name" >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
    log "installing $name ($what) with apt-get install $package"
    if ! timeout 300 apt-get install -y -q --no-install-recommends "$package" >/dev/null 2>&1; then
      log "apt-get install $package failed; updating the package lists once and trying again"
      { timeout 300 apt-get update -q >/dev/null 2>&1 \
        && timeout 300 apt-get install -y -q --no-install-recommends "$package" >/dev/null 2>&1; } || true
    fi
  fi
  command -v "$name" >/dev/null 2>&1 \
    || die "$name, $what, is missing and could not be installed (as root on Debian: apt-get install $package)"
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

# log_contains_since <file> <byteOffset> <text>: whether what was written after the offset holds the text.
log_contains_since() {
  [[ -f "$1" ]] && tail -c "+$(($2 + 1))" "$1" | grep -qF -- "$3"
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

# http_ok <url>: true when GET <url> answers with a 2xx status (within 3 s).
http_ok() {
  curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null
}

# postgres_answers <host> <port>: true when a PostgreSQL server answers there. Speaks the wire
# protocol itself (a startup message for user postgres, database postgres; any authentication
# request or error is an answer), so no client tools are needed.
# new_api_key <id>: a new API key for the gateway, geokv_<id>_<32 random bytes, base64url>.
new_api_key() {
  [[ "$1" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] || die "API key id '$1' must be lowercase letters, digits and hyphens"
  printf 'geokv_%s_%s' "$1" "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
}

# api_key_hash <key>: what the gateway is configured with instead of the key (SHA-256, hex).
api_key_hash() {
  printf '%s' "$1" | sha256sum | cut -d' ' -f1
}

postgres_answers() {
  local reply
  # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash, on purpose.
  reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x00\x00\x00\x29\x00\x03\x00\x00user\x00postgres\x00database\x00postgres\x00\x00" >&3
    head -c 1 <&3
    printf "X\x00\x00\x00\x04" >&3 # Terminate, then read to the end: a clean goodbye, nothing in the server log
    cat <&3 >/dev/null' _ "$1" "$2" 2>/dev/null)" || return 1
  [[ "$reply" == R || "$reply" == E ]]
}

# redis_answers <host> <port>: true when a Redis server there answers PING with PONG (one that
# wants a password does not: the apps would not get in either).
redis_answers() {
  local reply
  # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash, on purpose.
  reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "PING\r\n" >&3
    IFS= read -r line <&3 && printf "%s" "$line"' _ "$1" "$2" 2>/dev/null)" || return 1
  [[ "$reply" == +PONG* ]]
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

# start_installed_postgres: start the newest installed Debian cluster (pg_ctlcluster) and wait
# until it answers on 127.0.0.1:5432. Fails, after saying why, when there is none or it does not
# come up within 30 s.
start_installed_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "PostgreSQL does not answer on 127.0.0.1:5432 and there is no Debian pg_ctlcluster to start it"
    return 1
  fi
  local version
  version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
  if [[ -z "$version" ]]; then
    log "PostgreSQL does not answer on 127.0.0.1:5432 and no cluster was found under /etc/postgresql"
    return 1
  fi
  log "PostgreSQL is down; starting cluster $version/main"
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
    log "could not start PostgreSQL cluster $version/main (try: pg_ctlcluster $version main start, as root or postgres)"
    return 1
  fi
  local deadline=$((SECONDS + 30))
  until postgres_answers 127.0.0.1 5432; do
    if ((SECONDS >= deadline)); then
      log "PostgreSQL did not accept connections on 127.0.0.1:5432 within 30s"
      return 1
    fi
    sleep 0.5
  done
  log "PostgreSQL is up on 127.0.0.1:5432"
}

# ensure_postgres: make sure the local PostgreSQL answers on 127.0.0.1:5432, starting the
# Debian cluster (pg_ctlcluster) when it is down.
ensure_postgres() {
  if postgres_answers 127.0.0.1 5432; then
    log "PostgreSQL is up on 127.0.0.1:5432"
    return 0
  fi
  start_installed_postgres || die "PostgreSQL is needed on 127.0.0.1:5432; start it yourself"
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
