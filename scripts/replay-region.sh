#!/usr/bin/env bash
# Rebuild one region's PostgreSQL and Redis by replaying the event topics, through the
# replication-streams actuator endpoint POST /actuator/replay/<region>. The call returns
# when the region has caught up; its JSON answer is printed. Non-zero exit on an HTTP error.
#
# Usage: scripts/replay-region.sh <region>        e.g. scripts/replay-region.sh eu-west
#        scripts/replay-region.sh <region> --as-of <instant> [--database <name>]
#        restores the region as it was at that instant (ISO-8601 with a zone) into a new side
#        database on its PostgreSQL server, leaving the region itself alone
# Environment:
#   GEOKV_STREAMS_URL       base URL of replication-streams
#                           (default: http://127.0.0.1:$GEOKV_STREAMS_PORT)
#   GEOKV_STREAMS_PORT      port of replication-streams when GEOKV_STREAMS_URL is not set
#                           (default: 8010, as in scripts/run-local.sh)
#   GEOKV_REPLAY_TIMEOUT    seconds to wait for the answer (default: 900)
#   GEOKV_API_KEY           an administrator's API key or JWT (docs/security.md); default: the key
#                           scripts/run-local.sh made, in .geokv-local/api-key
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

streams_port="${GEOKV_STREAMS_PORT:-8010}"

usage() {
  cat <<USAGE
Usage: scripts/replay-region.sh <region> [--as-of <instant> [--database <name>]]

Rebuilds <region> (for example us-east, eu-west or asia-pac) from the Kafka topics and
prints the result once it has caught up.
With --as-of (an ISO-8601 instant with a zone, e.g. 2026-12-07T10:15:30Z), restores the
region as it was at that instant into a new database on its PostgreSQL server instead
(--database, default <region's database>_as_of_<epoch seconds>); the region is left alone.
Set GEOKV_STREAMS_URL (or GEOKV_STREAMS_PORT) to reach a replication-streams other than
http://127.0.0.1:$streams_port.
USAGE
}

if (($# < 1)) || [[ -z "$1" ]]; then
  usage >&2
  exit 2
fi
case "$1" in
  -h | --help) usage; exit 0 ;;
esac
region="$1"
shift
as_of=""
database=""
while (($# > 0)); do
  case "$1" in
    --as-of) (($# >= 2)) || die "--as-of needs an instant"; as_of="$2"; shift 2 ;;
    --database) (($# >= 2)) || die "--database needs a name"; database="$2"; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
if [[ -n "$database" && -z "$as_of" ]]; then
  die "--database only goes with --as-of"
fi
if [[ -n "$as_of" && ! "$as_of" =~ ^[0-9T:.+Z-]+$ ]]; then
  die "not an ISO-8601 instant: '$as_of'"
fi
if [[ -n "$database" && ! "$database" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
  die "not a database name: '$database' (lower-case letters, digits and '_')"
fi

require_command curl

if [[ ! "$region" =~ ^[A-Za-z0-9._-]+$ ]]; then
  die "not a region name: '$region' (letters, digits, '.', '_' and '-' only)"
fi
if [[ -z "${GEOKV_STREAMS_URL:-}" && ! "$streams_port" =~ ^[0-9]{1,5}$ ]]; then
  die "GEOKV_STREAMS_PORT must be a TCP port number, not '$streams_port'"
fi
base_url="${GEOKV_STREAMS_URL:-http://127.0.0.1:$streams_port}"
base_url="${base_url%/}"
url="$base_url/actuator/replay/$region"
timeout="${GEOKV_REPLAY_TIMEOUT:-900}"
credential="${GEOKV_API_KEY:-}"
local_key="${GEOKV_LOCAL_STATE:-$(geokv_root)/.geokv-local}/api-key"
if [[ -z "$credential" && -s "$local_key" ]]; then
  credential="$(cat "$local_key")"
fi
[[ -n "$credential" ]] || die "set GEOKV_API_KEY to an administrator's API key (replay needs one)"

body_file="$(mktemp)"
trap 'rm -f "$body_file"' EXIT

body=()
if [[ -n "$as_of" ]]; then
  url="$base_url/actuator/restore/$region"
  body=(-H 'Content-Type: application/json'
    --data "{\"asOf\": \"$as_of\"${database:+, \"database\": \"$database\"}}")
  log "restoring region $region as of $as_of into a side database via POST $url"
else
  log "replaying region $region via POST $url (waits until it has caught up)"
fi
http_code=0
curl_status=0
# The credential goes through a header file, not the command line, where other users could see it.
http_code="$(curl -sS -X POST -H 'Accept: application/json' "${body[@]}" -H @- --max-time "$timeout" \
  -o "$body_file" -w '%{http_code}' "$url" <<<"Authorization: Bearer $credential")" || curl_status=$?

if ((curl_status != 0)); then
  die "could not reach $url (curl exit code $curl_status); is replication-streams running?"
fi

cat "$body_file"
# Keep the prompt on its own line when the answer has no trailing newline.
if [[ -s "$body_file" && "$(tail -c 1 "$body_file" | od -An -c | tr -d ' ')" != '\n' ]]; then
  echo
fi

if ((http_code < 200 || http_code >= 300)); then
  die "replay of $region failed: HTTP $http_code"
fi
log "replay of $region finished (HTTP $http_code)"
