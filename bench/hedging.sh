#!/usr/bin/env bash
# Time-to-first-token hedging (Gateway:Hedging): time to the first byte of a streamed answer (p50/p90 of N sequential
# requests, curl's time_starttransfer; the gateway sends its first byte with the first content) when the primary is
# slow to its first token, with hedging off, on with the whole budget, and on with the default budget (10 %); then
# the healthy path's throughput with hedging off and on (wrk), to show what hedging costs when nothing is slow.
# Loopback only, bounded. Needs wrk and curl. Usage: bench/hedging.sh [requests] [slow primary, ms] [hedging delay, ms] [wrk seconds]
cd "$(dirname "$0")/.."
requests=${1:-40}
slow_ms=${2:-2000}
delay_ms=${3:-200}
duration=${4:-10}
connections=8
source bench/common.sh
primary=127.0.0.1:9101 fallback=127.0.0.1:9102

build
start_simulator primary OpenAI sim-gpt-4o-mini $primary
start_simulator fallback Ollama llama3.2:1b $fallback
wait_until_up "http://$primary/health" "http://$fallback/health"
providers=(Providers__0__Name=primary Providers__0__Kind=OpenAI Providers__0__Endpoint="http://$primary/v1" Providers__0__Model=sim-gpt-4o-mini
  Providers__1__Name=fallback Providers__1__Kind=Ollama Providers__1__Endpoint="http://$fallback" Providers__1__Model=llama3.2:1b)
delay=$(printf '00:00:%06.3f' "$(awk -v ms="$delay_ms" 'BEGIN { print ms / 1000 }')")
stream='{"model":"any","stream":true,"messages":[{"role":"user","content":"hello benchmark"}]}'
openai='{"model":"any","messages":[{"role":"user","content":"hello benchmark"}]}'

ttfb() { # url -> "p50 p90" in ms over $requests streamed requests, one at a time
  for _ in $(seq "$requests"); do
    curl -s -o /dev/null --max-time 30 -w '%{time_starttransfer}\n' "$1" -H 'content-type: application/json' -d "$stream"
  done | sort -n | awk '{ v[NR] = $1 * 1000 } END { p50 = int((NR + 1) / 2); p90 = int(NR * 0.9 + 0.999); printf "%.0f %.0f\n", v[p50], v[p90] }'
}

hedged_count() { curl -sf "http://$1/api/metrics" | sed -E 's/.*"total_hedged":([0-9]+).*/\1/'; }

echo "Primary (OpenAI protocol) ${slow_ms} ms slow to its first token (simulator latency fault), fallback (Ollama) healthy;"
echo "$requests streamed requests per case, one at a time, after 3 warm-up requests; hedging delay ${delay_ms} ms; $(nproc) cores."
echo
echo "| case | time to first byte p50 | p90 | hedged | calls that reached the fallback |"
echo "|---|---|---|---|---|"
set_fault $primary "{\"mode\":\"latency\",\"latency_ms\":$slow_ms}"
port=9120
for case in "off" "on, BudgetPercent=100" "on, BudgetPercent=10 (default)"; do
  port=$((port + 1))
  case $case in
    off) settings=(Gateway__Hedging__Enabled=false) ;;
    *100*) settings=(Gateway__Hedging__Enabled=true Gateway__Hedging__Delay="$delay" Gateway__Hedging__BudgetPercent=100) ;;
    *) settings=(Gateway__Hedging__Enabled=true Gateway__Hedging__Delay="$delay") ;;
  esac
  start_gateway 127.0.0.1:$port "${providers[@]}" "${settings[@]}"
  gateway_pid=${pids[-1]}
  wait_until_up "http://127.0.0.1:$port/health"
  for _ in 1 2 3; do curl -s -o /dev/null --max-time 30 "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' -d "$stream"; done
  before=$(hedged_count 127.0.0.1:$port)
  reset_stats $fallback
  read -r p50 p90 < <(ttfb "http://127.0.0.1:$port/v1/chat/completions")
  printf '| hedging %s | %s ms | %s ms | %s of %s | %s |\n' "$case" "$p50" "$p90" "$(($(hedged_count 127.0.0.1:$port) - before))" "$requests" "$(chat_requests $fallback)"
  kill "$gateway_pid"
done
clear_fault $primary

echo
echo "Healthy path (both simulators answer at once; nothing is hedged, as no first token takes the delay), wrk, $connections connections, ${duration} s after a ${WARMUP:-15} s warm-up:"
echo
echo "| case | req/s | p50 | p90 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
for hedging in false true; do
  port=$((port + 1))
  start_gateway 127.0.0.1:$port "${providers[@]}" Gateway__Hedging__Enabled=$hedging Gateway__Hedging__Delay="$delay"
  gateway_pid=${pids[-1]}
  wait_until_up "http://127.0.0.1:$port/health"
  measure "gateway, hedging $([ $hedging = true ] && echo on || echo off)" "http://127.0.0.1:$port/v1/chat/completions" "$openai"
  kill "$gateway_pid"
done
