#!/usr/bin/env bash
# Makes an API key for the gateway (docs/security.md).
#
#   scripts/new-api-key.sh <id> [role] [tenant] [region...]
#
# Prints the key (give it to the client; it is shown once and stored nowhere) and the configuration
# entry that grants it, with only the key's SHA-256. role: reader, writer or admin (default reader);
# tenant: the tenant it acts for, or '*' for every tenant (default '*'); regions: where it may be
# served (default everywhere).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

(($# >= 1)) || die "usage: scripts/new-api-key.sh <id> [reader|writer|admin] [tenant|'*'] [region...]"
id="$1"
role="${2:-reader}"
tenant="${3:-*}"
shift $(($# < 3 ? $# : 3))
[[ "$role" =~ ^(reader|writer|admin)$ ]] || die "role must be reader, writer or admin, not '$role'"
require_command sha256sum

key="$(new_api_key "$id")"
cat <<OUT
API key (shown once): $key

geokv:
  gateway:
    security:
      api-keys:
        - id: $id
          sha256: $(api_key_hash "$key")
          roles: [$role]
          tenants: ['$tenant']
OUT
if (($# > 0)); then
  printf '          regions: [%s]\n' "$(IFS=,; echo "$*" | sed 's/,/, /g')"
fi
