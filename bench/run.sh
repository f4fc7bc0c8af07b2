#!/usr/bin/env bash
# Measures what the gateway adds to a request, and what a request costs while the primary is down.
# Starts two simulators and the gateway (Release builds, loopback only), drives each case with wrk for a fixed time,
# prints a Markdown table. Needs wrk (Debian: apt-get install wrk). Usage: bench/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-8}
primary=127.0.0.1:9101 fallback=127.0.0.1:9102 gateway=127.0.0.1:9100
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

for project in SentinelOps.Gateway SentinelOps.Simulator; do dotnet build -c Release -v q -nologo "$project" >/dev/null; done
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
quiet=(Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning)

env "${quiet[@]}" Simulator__Name=primary Simulator__Protocol=OpenAI Simulator__Model=sim-gpt-4o-mini \
  dotnet SentinelOps.Simulator/bin/Release/net10.0/SentinelOps.Simulator.dll --urls "http://$primary" >/dev/null 2>&1 & pids+=($!)
env "${quiet[@]}" Simulator__Name=fallback Simulator__Protocol=Ollama Simulator__Model=llama3.2:1b \
  dotnet SentinelOps.Simulator/bin/Release/net10.0/SentinelOps.Simulator.dll --urls "http://$fallback" >/dev/null 2>&1 & pids+=($!)
env "${quiet[@]}" Gateway__CircuitBreaker__BreakDuration=00:00:05 Gateway__Timeouts__Attempt=00:00:01 \
  Providers__0__Name=primary Providers__0__Kind=OpenAI Providers__0__Endpoint="http://$primary/v1" Providers__0__Model=sim-gpt-4o-mini \
  Providers__1__Name=fallback Providers__1__Kind=Ollama Providers__1__Endpoint="http://$fallback" Providers__1__Model=llama3.2:1b \
  dotnet SentinelOps.Gateway/bin/Release/net10.0/SentinelOps.Gateway.dll --urls "http://$gateway" >/dev/null 2>&1 & pids+=($!)

for address in $primary $fallback $gateway; do
  for _ in $(seq 100); do curl -sf "http://$address/health" >/dev/null && break; sleep 0.2; done
done

script=$(mktemp --suffix=.lua)
run() { # name url body
  cat >"$script" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$3'
LUA
  wrk -t1 -c"$connections" -d3s -s "$script" "$2" >/dev/null # warm-up
  local out
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$script" "$2")
  local p50 p90 p99 rps errors
  p50=$(awk '/^ +50%/ {print $2}' <<<"$out"); p90=$(awk '/^ +90%/ {print $2}' <<<"$out"); p99=$(awk '/^ +99%/ {print $2}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out"); errors=${errors:-0}
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p90" "$p99" "$errors"
}
openai='{"model":"any","messages":[{"role":"user","content":"hello benchmark"}]}'
direct='{"model":"sim-gpt-4o-mini","messages":[{"role":"user","content":"hello benchmark"}]}'
ollama='{"model":"llama3.2:1b","stream":false,"messages":[{"role":"user","content":"hello benchmark"}]}'

echo "wrk, 1 thread, $connections connections, ${duration} s per case, $(nproc) cores; simulators answer at once."
echo
echo "| case | req/s | p50 | p90 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
run "primary simulator, direct" "http://$primary/v1/chat/completions" "$direct"
run "gateway -> primary" "http://$gateway/v1/chat/completions" "$openai"
run "fallback simulator, direct" "http://$fallback/api/chat" "$ollama"
outage() { # name fault
  curl -sf -X DELETE "http://$primary/control/stats" >/dev/null
  curl -sf -X PUT "http://$primary/control/faults" -H 'content-type: application/json' -d "$2" >/dev/null
  run "$1" "http://$gateway/v1/chat/completions" "$openai"
  calls+=("$1: $(curl -sf "http://$primary/control/stats")")
  # Heal the primary and let its circuit close (break 5 s, then one trial) before the next case.
  curl -sf -X DELETE "http://$primary/control/faults" >/dev/null
  sleep 6
  curl -sf "http://$gateway/v1/chat/completions" -H 'content-type: application/json' -d "$openai" >/dev/null
}
calls=()
outage "gateway, primary answering 500 -> fallback" '{"mode":"error_500"}'
outage "gateway, primary hanging -> fallback" '{"mode":"hang"}'
echo
echo "Calls that reached the dead primary during each outage case (warm-up included):"
printf -- '- %s\n' "${calls[@]}"
