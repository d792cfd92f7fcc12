#!/usr/bin/env bash
# Randomized histories against a real deployment, checked by the history checker
# (docs/consistency.md, "What is guaranteed, and how it is checked"): concurrent clients over the
# three regions, faults at random moments (replication-streams SIGKILLed, Redis restarted, a
# region's PostgreSQL cut, an event produced twice, clients cancelling, a gateway's clock skewed),
# and no anomaly allowed.
#
# Usage: scripts/check-histories.sh [--histories N] [--seed S] [--seconds T]
#   --histories N  how many histories (default 20)
#   --seed S       seed of the first history; the others follow from it (default: random, printed)
#   --seconds T    how long the clients of each history run (default 8)
# Every history and its report are written to system-tests/target/histories/. Exits non-zero when
# any history shows an anomaly.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

histories=20
seed="$(( (RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM ))"
seconds=8
while (($#)); do
  case "$1" in
    --histories) histories="${2:?--histories needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$histories" =~ ^[0-9]+$ && "$seconds" =~ ^[0-9]+$ && "$seed" =~ ^-?[0-9]+$ ]] \
  || die "--histories, --seconds and --seed take whole numbers"

ROOT="$(geokv_root)"
require_command mvn "Maven is needed to build and run the histories"
require_command redis-server "the histories run a Redis server of their own (Debian package redis-server)"
ensure_postgres
ensure_redis

cd "$ROOT"
log "building system-tests and what it needs, then running $histories histories of ${seconds}s, seed $seed"
status=0
# One reactor build: the modules system-tests needs come from their target/ folders, nothing is
# installed into the local Maven repository. The other modules have no HistoriesIT to run.
mvn -B -pl system-tests -am test-compile failsafe:integration-test@child-processes failsafe:verify@child-processes \
  -Dit.test=HistoriesIT -Dfailsafe.failIfNoSpecifiedTests=false -Dgeokv.histories="$histories" \
  -Dgeokv.histories.seed="$seed" -Dgeokv.histories.seconds="$seconds" || status=$?
summary="$(grep -h '^histor' system-tests/target/failsafe-reports/io.geokv.system.history.HistoriesIT-output.txt 2>/dev/null || true)"
[[ -n "$summary" ]] && printf '%s\n' "$summary"
if ((status == 0)); then
  log "no anomaly in $histories histories (seed $seed); histories in system-tests/target/histories/"
else
  log "anomalies or a failed run (seed $seed): see system-tests/target/histories/ and the output above"
fi
exit "$status"
