#!/usr/bin/env bash
# Run every test of the reactor (unit tests and the *IT integration tests) against real
# PostgreSQL and Redis on 127.0.0.1 (started here if they are down); the tests start their
# own in-process Kafka brokers. First, the Prometheus alert rules are checked and unit-tested
# with promtool (Debian's prometheus package, installed here when missing). Extra arguments go
# to Maven, e.g.:
#   scripts/test.sh -pl replication-streams -am
# Exits with Maven's exit code.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

ROOT="$(geokv_root)"
require_command mvn "Maven is needed to run the tests"

cd "$ROOT"
require_debian_command promtool prometheus "Prometheus's rule checker"
log "promtool: the alert rules (monitoring/prometheus)"
promtool check rules monitoring/prometheus/geokv-alerts.yml
(cd monitoring/prometheus && promtool test rules geokv-alerts-test.yml)

ensure_postgres
ensure_redis

log "mvn -B clean verify $*"
status=0
mvn -B clean verify "$@" || status=$?
if ((status == 0)); then
  log "all tests passed"
else
  log "mvn verify failed (exit code $status)"
fi
exit "$status"
