#!/usr/bin/env bash
# Measures what the gateway adds to a request, and what a request costs while the primary is down.
# Starts two simulators and the gateway (Release builds, loopback only), drives each case with wrk for a fixed time,
# prints a Markdown table. Needs wrk (Debian: apt-get install wrk). Usage: bench/run.sh [seconds] [connections]
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-8}
source bench/common.sh
primary=127.0.0.1:9101 fallback=127.0.0.1:9102 gateway=127.0.0.1:9100

build
# The gateway's Redis, as deployed: incidents, metrics and the response cache live there (the cache case needs it).
command -v redis-server >/dev/null || { echo "redis-server is needed: apt-get install redis-server" >&2; exit 1; }
redis-server --port 9109 --save '' --appendonly no >/dev/null 2>&1 &
pids+=($!)
start_simulator primary OpenAI sim-gpt-4o-mini $primary
start_simulator fallback Ollama llama3.2:1b $fallback
start_gateway $gateway ConnectionStrings__redis=127.0.0.1:9109 Gateway__CircuitBreaker__BreakDuration=00:00:05 Gateway__Timeouts__Attempt=00:00:01 Gateway__Cache__Enabled=true \
  Providers__0__Name=primary Providers__0__Kind=OpenAI Providers__0__Endpoint="http://$primary/v1" Providers__0__Model=sim-gpt-4o-mini \
  Providers__1__Name=fallback Providers__1__Kind=Ollama Providers__1__Endpoint="http://$fallback" Providers__1__Model=llama3.2:1b
wait_until_up "http://$primary/health" "http://$fallback/health" "http://$gateway/health"

openai='{"model":"any","messages":[{"role":"user","content":"hello benchmark"}]}'
cached='{"model":"any","temperature":0,"messages":[{"role":"user","content":"hello benchmark"}]}'
direct='{"model":"sim-gpt-4o-mini","messages":[{"role":"user","content":"hello benchmark"}]}'
ollama='{"model":"llama3.2:1b","stream":false,"messages":[{"role":"user","content":"hello benchmark"}]}'

outage() { # name fault
  reset_stats $primary
  set_fault $primary "$2"
  measure "$1" "http://$gateway/v1/chat/completions" "$openai"
  calls+=("$1: $(chat_requests $primary) calls reached the primary")
  # Heal the primary and let its circuit close (break 5 s, then one trial) before the next case.
  clear_fault $primary
  sleep 6
  curl -sf "http://$gateway/v1/chat/completions" -H 'content-type: application/json' -d "$openai" >/dev/null
}

echo "wrk, 1 thread, $connections connections, ${duration} s per case after a ${WARMUP:-15} s warm-up, $(nproc) cores; simulators answer at once."
echo
echo "| case | req/s | p50 | p90 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
measure "primary simulator, direct" "http://$primary/v1/chat/completions" "$direct"
measure "gateway -> primary" "http://$gateway/v1/chat/completions" "$openai"
measure "gateway, answered from the response cache (temperature 0)" "http://$gateway/v1/chat/completions" "$cached"
measure "fallback simulator, direct" "http://$fallback/api/chat" "$ollama"
calls=()
outage "gateway, primary answering 500 -> fallback" '{"mode":"error_500"}'
outage "gateway, primary hanging -> fallback" '{"mode":"hang"}'
echo
printf -- '- %s (warm-up included)\n' "${calls[@]}"
