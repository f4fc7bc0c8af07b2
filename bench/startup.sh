#!/usr/bin/env bash
# Prints the time from `dotnet run --project SentinelOps.AppHost` (already built) to the gateway's first answer,
# then stops the system and waits until its fixed ports are free, so runs can follow one another.
set -uo pipefail
cd "$(dirname "$0")/.."
ports_free() { for port in 8000 8101 8102; do curl -s -o /dev/null "localhost:$port/health" && return 1; done; return 0; }
ports_free || { echo "something already answers on port 8000, 8101 or 8102" >&2; exit 1; }

started=$(date +%s.%N)
setsid dotnet run --project SentinelOps.AppHost --no-build >/dev/null 2>&1 &
apphost=$!
stop() {
  kill -TERM -- -"$apphost" 2>/dev/null
  wait "$apphost" 2>/dev/null
  for _ in $(seq 600); do ports_free && break; sleep 0.1; done
}
trap stop EXIT
for _ in $(seq 1200); do
  if curl -sf -X POST localhost:8000/api/chat -H 'content-type: application/json' -d '{"message":"ready?"}' >/dev/null 2>&1; then
    awk -v start="$started" -v now="$(date +%s.%N)" 'BEGIN { printf "ready in %.1f s\n", now - start }'
    exit 0
  fi
  sleep 0.1
done
echo "the gateway did not answer within 120 s" >&2
exit 1
