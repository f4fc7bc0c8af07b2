#!/usr/bin/env bash
# What the gateway adds to the healthy path, against the same simulator called directly, on the same machine in the
# same run: throughput at 32 connections (two interleaved rounds), added p50 at 1 connection, time to first byte of a
# stream (p50 of 200), and the gateway's RSS over ~1 M requests. Loopback only, bounded in time.
# Needs wrk. Usage: bench/direct.sh [seconds per case] [requests for the RSS run]
cd "$(dirname "$0")/.."
duration=${1:-10}
rss_requests=${2:-1000000}
source bench/common.sh
primary=127.0.0.1:9101 gateway=127.0.0.1:9100

build
start_simulator primary OpenAI sim-gpt-4o-mini $primary
start_gateway $gateway \
  Providers__0__Name=primary Providers__0__Kind=OpenAI Providers__0__Endpoint="http://$primary/v1" Providers__0__Model=sim-gpt-4o-mini
gateway_pid=${pids[-1]}
wait_until_up "http://$primary/health" "http://$gateway/health"

body='{"model":"sim-gpt-4o-mini","messages":[{"role":"user","content":"hello benchmark"}]}'
stream_body='{"model":"sim-gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello benchmark"}]}'
direct_url="http://$primary/v1/chat/completions" gateway_url="http://$gateway/v1/chat/completions"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[%s]==]\n' "$body" >"$wrk_script"

run() { # threads connections seconds url -> wrk output
  wrk -t"$1" -c"$2" -d"$3s" --timeout 10s --latency -s "$wrk_script" "$4"
}
rps() { awk '/Requests\/sec/ {print $2}'; }
p50_ms() { awk '/^ +50%/ { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else { sub(/s/,"",v); v*=1000 } print v }'; }

echo "Warming up both for ${WARMUP:-15} s each..."
run 2 32 "${WARMUP:-15}" "$direct_url" >/dev/null
run 2 32 "${WARMUP:-15}" "$gateway_url" >/dev/null

echo
echo "| round | direct req/s | gateway req/s | gateway / direct |"
echo "|---|---|---|---|"
sum_direct=0 sum_gateway=0
for round in 1 2; do
  d=$(run 2 32 "$duration" "$direct_url" | rps)
  g=$(run 2 32 "$duration" "$gateway_url" | rps)
  sum_direct=$(awk -v a="$sum_direct" -v b="$d" 'BEGIN { print a + b }')
  sum_gateway=$(awk -v a="$sum_gateway" -v b="$g" 'BEGIN { print a + b }')
  echo "| $round (32 connections, 2 threads) | $d | $g | $(awk -v a="$g" -v b="$d" 'BEGIN { printf "%.0f%%", 100 * a / b }') |"
done
echo "| mean | | | $(awk -v a="$sum_gateway" -v b="$sum_direct" 'BEGIN { printf "%.0f%%", 100 * a / b }') |"

d1=$(run 1 1 "$duration" "$direct_url" | p50_ms)
g1=$(run 1 1 "$duration" "$gateway_url" | p50_ms)
echo
echo "1 connection: p50 direct ${d1} ms, through the gateway ${g1} ms: the gateway adds $(awk -v a="$g1" -v b="$d1" 'BEGIN { printf "%.3f", a - b }') ms."

ttfb() { # url -> p50 of 200 times to first byte, in ms
  for _ in $(seq 200); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' "$1" -H 'content-type: application/json' -d "$stream_body"
  done | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int(NR / 2)] * 1000 }'
}
td=$(ttfb "$direct_url"); tg=$(ttfb "$gateway_url")
echo "Streaming, time to first byte (p50 of 200): direct ${td} ms, through the gateway ${tg} ms: $(awk -v a="$tg" -v b="$td" 'BEGIN { printf "%.3f", a - b }') ms later."

echo
echo "RSS of the gateway over ~$rss_requests requests (32 connections, 20 s steps):"
total=0
while [ "$total" -lt "$rss_requests" ]; do
  out=$(run 2 32 20 "$gateway_url")
  total=$((total + $(awk '/requests in/ {print $1}' <<<"$out")))
  echo "- after $total requests: $(($(ps -o rss= -p "$gateway_pid") / 1024)) MB"
done
