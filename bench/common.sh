# Shared by the benchmark scripts: starts loopback services and measures one case with wrk.
# shellcheck shell=bash
set -euo pipefail
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
quiet=(Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning)

build() {
  for project in SentinelOps.Gateway SentinelOps.Simulator; do dotnet build -c Release -v q -nologo "$project" >/dev/null; done
}

start_simulator() { # name protocol model address
  env "${quiet[@]}" Simulator__Name="$1" Simulator__Protocol="$2" Simulator__Model="$3" \
    dotnet SentinelOps.Simulator/bin/Release/net10.0/SentinelOps.Simulator.dll --urls "http://$4" >/dev/null 2>&1 &
  pids+=($!)
}

start_gateway() { # address, then NAME=VALUE settings
  local address=$1; shift
  # Open (no client keys) needs APP_ENV=development; the rate limit is lifted so it measures the gateway, not the limiter.
  env "${quiet[@]}" APP_ENV=development Gateway__RateLimit__PermitLimit=2000000000 Gateway__RateLimit__ConcurrencyLimit=100000 \
    "$@" dotnet SentinelOps.Gateway/bin/Release/net10.0/SentinelOps.Gateway.dll --urls "http://$address" >/dev/null 2>&1 &
  pids+=($!)
}

wait_until_up() { # url...
  for url in "$@"; do
    for _ in $(seq 150); do curl -s -o /dev/null "$url" && break; sleep 0.2; done
  done
}

set_fault() { # address json
  curl -sf -X PUT "http://$1/control/faults" -H 'content-type: application/json' -d "$2" >/dev/null
}

clear_fault() { curl -sf -X DELETE "http://$1/control/faults" >/dev/null; }

reset_stats() { curl -sf -X DELETE "http://$1/control/stats" >/dev/null; }

chat_requests() { curl -sf "http://$1/control/stats" | sed -E 's/.*"chat_requests":([0-9]+).*/\1/'; }

wrk_script=$(mktemp --suffix=.lua)

# Prints one Markdown row: name, req/s, p50, p90, p99, non-2xx. Extra arguments are "Header: value" lines.
measure() { # name url body [header...]
  local name=$1 url=$2 body=$3; shift 3
  {
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    for header in "$@"; do
      printf 'wrk.headers["%s"] = [==[%s]==]\n' "${header%%:*}" "${header#*: }"
    done
    printf 'wrk.body = [==[%s]==]\n' "$body"
  } >"$wrk_script"
  # Warm-up long enough for tiered compilation to finish on a small machine (on 2 cores the gateway's hot path is
  # still partly instrumented code for ~10 s, and a 3 s warm-up measured start-up rather than steady state).
  wrk -t1 -c"$connections" -d"${WARMUP:-15}s" -s "$wrk_script" "$url" >/dev/null
  local out
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$wrk_script" "$url")
  local p50 p90 p99 rps errors
  p50=$(awk '/^ +50%/ {print $2}' <<<"$out"); p90=$(awk '/^ +90%/ {print $2}' <<<"$out"); p99=$(awk '/^ +99%/ {print $2}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out"); errors=${errors:-0}
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p90" "$p99" "$errors"
}
