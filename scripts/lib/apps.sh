# shellcheck shell=bash
# geokv's own programs (the exec jars of the reactor modules) for the scripts: build them when
# they are stale, start one in the background, await it, stop it. Source it:
#   source "<repo>/scripts/lib/apps.sh"
#   apps_build_if_stale 0 "$(app_jar api-gateway)"          # 1 instead of 0: build anyway
#   app_start_jar api-gateway "$log" "$APP_DEFAULT_JAVA_OPTS" "$(app_jar api-gateway)" --server.port=8009
#   app_await_http api-gateway "$APP_PID" "$log" "$APP_LOG_OFFSET" http://127.0.0.1:8009/actuator/health/readiness 120
#   app_stop api-gateway "$APP_PID" 30
#
# The build is `mvn -q -B -DskipTests package` at the repository root: the jars stay in each
# module's target/, nothing is installed into the local Maven repository.

if [[ -n "${GEOKV_APPS_SH_LOADED:-}" ]]; then
  return 0
fi
GEOKV_APPS_SH_LOADED=1

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# JVM options of each app unless GEOKV_APP_JAVA_OPTS says otherwise. Sized for a developer machine
# (two cores): ParallelGC spends far less CPU than G1 there (no concurrent marking, no remembered
# sets: G1 cost replication a sixth of its CPU in the bench), and 320 MiB of heap is what the apps
# need with their default caches and batch bounds. docs/operations.md says how to size them.
readonly APP_DEFAULT_JAVA_OPTS="-Xmx320m -XX:+UseParallelGC"
# The gateway keeps no state of its own (its old generation held about 80 MiB under the bench's
# load): a smaller heap, since ParallelGC keeps all of -Xmx resident once it has used it.
readonly GATEWAY_DEFAULT_JAVA_OPTS="-Xmx256m -XX:+UseParallelGC"

# app_java_opts <module>: the JVM options of that app: GEOKV_APP_JAVA_OPTS, else its default.
app_java_opts() {
  if [[ -n "${GEOKV_APP_JAVA_OPTS:-}" ]]; then
    printf '%s\n' "$GEOKV_APP_JAVA_OPTS"
  elif [[ "$1" == api-gateway ]]; then
    printf '%s\n' "$GATEWAY_DEFAULT_JAVA_OPTS"
  else
    printf '%s\n' "$APP_DEFAULT_JAVA_OPTS"
  fi
}

# _apps_shown <path>: the path relative to the repository root when it is inside it.
_apps_shown() {
  printf '%s\n' "${1#"$(geokv_root)"/}"
}

# geokv_version: the project version, from the root pom.xml (the first <version> after </parent>).
geokv_version() {
  sed -n '/<\/parent>/,/<version>/ s:.*<version>\([^<]*\)</version>.*:\1:p' "$(geokv_root)/pom.xml" | head -n 1
}

# app_jar <module>: the module's runnable jar, <module>/target/<module>-<version>-exec.jar.
app_jar() {
  printf '%s/%s/target/%s-%s-exec.jar\n' "$(geokv_root)" "$1" "$1" "$(geokv_version)"
}

# module_jar <module>: the module's plain jar, <module>/target/<module>-<version>.jar.
module_jar() {
  printf '%s/%s/target/%s-%s.jar\n' "$(geokv_root)" "$1" "$1" "$(geokv_version)"
}

# NAMES_JAR: the jar of the naming authority; give it to apps_build_if_stale with the apps' jars.
NAMES_JAR="$(module_jar conflict-model)"

# geokv_name <name> [arguments]: a name as geokv makes it (io.geokv.naming.PrintNames), so that no
# script spells one itself: `geokv_name default-regions`, `geokv_name database <prefix> <region>`.
geokv_name() {
  java -cp "$NAMES_JAR" io.geokv.naming.PrintNames "$@" || die "could not ask $(_apps_shown "$NAMES_JAR") for the name $*"
}

# _apps_build_inputs: what the jars are built from, one path a line: every pom.xml of the
# reactor and each module's src/main (tests do not go into the jars, nor do the test fixtures
# in test-support/src/main).
_apps_build_inputs() {
  local root module
  root="$(geokv_root)"
  printf '%s\n' "$root/pom.xml"
  while read -r module; do
    printf '%s\n' "$root/$module/pom.xml"
    if [[ "$module" != test-support ]]; then
      printf '%s\n' "$root/$module/src/main"
    fi
  done < <(sed -n 's:^[[:space:]]*<module>\([^<]*\)</module>.*:\1:p' "$root/pom.xml")
}

# apps_stale_reason <jar>...: print why the jars need a build and succeed; fail when they are
# all there and newer than every build input.
apps_stale_reason() {
  local jar oldest="" newer
  for jar in "$@"; do
    if [[ ! -f "$jar" ]]; then
      printf '%s is missing\n' "$(_apps_shown "$jar")"
      return 0
    fi
    if [[ -z "$oldest" || "$jar" -ot "$oldest" ]]; then
      oldest="$jar"
    fi
  done
  [[ -n "$oldest" ]] || return 1
  local -a inputs
  mapfile -t inputs < <(_apps_build_inputs)
  newer="$(find "${inputs[@]}" -type f -newer "$oldest" -print -quit 2>/dev/null || true)"
  if [[ -n "$newer" ]]; then
    printf '%s changed after %s was built\n' "$(_apps_shown "$newer")" "$(_apps_shown "$oldest")"
    return 0
  fi
  return 1
}

# apps_build_if_stale <rebuild: 0|1> <jar>...: build the reactor when <rebuild> is 1 or
# apps_stale_reason says so; dies when the build fails or leaves a jar missing.
apps_build_if_stale() {
  local rebuild="$1" reason jar root
  shift
  root="$(geokv_root)"
  if ((rebuild)); then
    reason="asked with --rebuild"
  elif ! reason="$(apps_stale_reason "$@")"; then
    return 0
  fi
  require_command mvn "Maven is needed to build geokv"
  log "building geokv (mvn -q -B -DskipTests package; $reason); this takes a while the first time"
  (cd "$root" && mvn -q -B -DskipTests package) || die "the build failed (see the Maven output above)"
  for jar in "$@"; do
    [[ -f "$jar" ]] || die "the build did not produce $(_apps_shown "$jar")"
  done
  # Maven does not rewrite a jar whose contents did not change; it is current all the same.
  touch "$@"
}

# app_start <name> <log file> <command...>: run the command (e.g. java ... -jar <jar> ...) in the
# background with stdin closed, appending its output to <log file> after a header line. Sets
# APP_PID and APP_LOG_OFFSET (the log's size before this start, so app_await shows only this run).
APP_PID=""
APP_LOG_OFFSET=0
app_start() {
  local name="$1" logfile="$2"
  shift 2
  mkdir -p "$(dirname "$logfile")"
  APP_LOG_OFFSET="$(file_size "$logfile")"
  printf '\n===== %s starting %s =====\n' "$(date '+%F %T')" "$name" >>"$logfile"
  log "starting $name (log: $(_apps_shown "$logfile"))"
  # glibc's default of one malloc arena per core and thread count grows a JVM's resident memory
  # for nothing: two arenas are the usual setting for JVMs.
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" "$@" >>"$logfile" 2>&1 </dev/null &
  APP_PID=$!
}

# app_start_jar <name> <log file> <java options> <jar> [args...]: app_start of
# `java <java options> -jar <jar> <args>`; <java options> is one string, split on blanks.
# The jar runs extracted, with a class data sharing archive (app_cds_prepare): on two idle cores
# replication-streams starts in 3.5 s instead of 5.7 s, which is what a restart waits for.
app_start_jar() {
  local name="$1" logfile="$2" options="$3" jar="$4" java_opts
  read -r -a java_opts <<<"$options"
  shift 4
  local -a launch=(-jar "$jar")
  if app_cds_prepare "$name" "$logfile" "$options" "$jar" "$@"; then
    launch=(-XX:SharedArchiveFile="$APP_CDS_ARCHIVE" -jar "$APP_CDS_JAR")
  fi
  app_start "$name" "$logfile" java "${java_opts[@]}" "${launch[@]}" "$@"
}

# app_cds_prepare <name> <log file> <java options> <jar> [args...]: Spring Boot's class data
# sharing setup, once per build of the jar: the jar extracted next to it (`-Djarmode=tools
# extract`, the layout CDS needs: plain jars, no nested ones) into <jar without .jar>-cds/, then a
# training run with the app's own arguments that stops once its context is refreshed
# (`-Dspring.context.exit=onRefresh`) and leaves the archive of the classes it loaded
# (`-XX:ArchiveClassesAtExit`). Sets APP_CDS_JAR and APP_CDS_ARCHIVE and succeeds when both are
# there; when a step fails it says so and fails, and the app starts from its jar as before.
# GEOKV_APP_CDS=0 turns it off.
APP_CDS_JAR=""
APP_CDS_ARCHIVE=""
app_cds_prepare() {
  local name="$1" logfile="$2" jar="$4" java_opts
  read -r -a java_opts <<<"$3"
  shift 4
  [[ "${GEOKV_APP_CDS:-1}" != 0 ]] || return 1
  local dir="${jar%.jar}-cds"
  APP_CDS_JAR="$dir/$(basename "$jar")"
  APP_CDS_ARCHIVE="$dir/app.jsa"
  if [[ ! -f "$APP_CDS_JAR" || "$jar" -nt "$APP_CDS_JAR" ]]; then
    rm -rf "$dir"
    if ! java -Djarmode=tools -jar "$jar" extract --destination "$dir" >>"$logfile" 2>&1; then
      log "could not extract $(_apps_shown "$jar") for class data sharing; $name starts from its jar"
      return 1
    fi
    touch "$APP_CDS_JAR"
  fi
  if [[ ! -f "$APP_CDS_ARCHIVE" ]]; then
    log "$name: a training run for its class data sharing archive (once per build)"
    java "${java_opts[@]}" -XX:ArchiveClassesAtExit="$APP_CDS_ARCHIVE" -Dspring.context.exit=onRefresh \
      -jar "$APP_CDS_JAR" "$@" >>"$logfile" 2>&1 </dev/null || true
    if [[ ! -s "$APP_CDS_ARCHIVE" ]]; then
      rm -f "$APP_CDS_ARCHIVE"
      log "$name: the training run left no class data sharing archive (see $(_apps_shown "$logfile")); it starts without one"
      return 1
    fi
  fi
  return 0
}

# app_await <name> <pid> <log file> <log offset> <seconds> <state> <check...>: wait (bounded)
# until the check command succeeds, then log "<name> is <state>". When the process exits first or
# the time runs out, print what it logged since <log offset> and die (the caller's EXIT trap
# stops the rest).
app_await() {
  local name="$1" pid="$2" logfile="$3" offset="$4" seconds="$5" state="$6" code=0
  shift 6
  local deadline=$((SECONDS + seconds))
  while pid_alive "$pid" && ((SECONDS < deadline)); do
    if "$@"; then
      log "$name is $state"
      return 0
    fi
    sleep 0.5
  done
  show_log_since "$logfile" "$offset" 60
  if pid_alive "$pid"; then
    die "$name did not become $state within ${seconds}s (full log: $(_apps_shown "$logfile"))"
  fi
  wait "$pid" 2>/dev/null || code=$?
  die "$name exited during startup with exit code $code (full log: $(_apps_shown "$logfile"))"
}

# app_await_http <name> <pid> <log file> <log offset> <health url> <seconds>: app_await until
# GET <health url> answers 2xx.
app_await_http() {
  app_await "$1" "$2" "$3" "$4" "$6" "healthy ($5)" http_ok "$5"
}

# app_stop <name> <pid> <seconds> [pid file]: SIGTERM, bounded wait, SIGKILL (stop_pid); then
# remove the pid file, if given. A no-op for an empty pid.
app_stop() {
  local name="$1" pid="$2" seconds="$3" pidfile="${4:-}"
  [[ -n "$pid" ]] || return 0
  stop_pid "$pid" "$name" "$seconds"
  if [[ -n "$pidfile" ]]; then
    rm -f "$pidfile"
  fi
}
