#!/usr/bin/env bash
# The floor under the gateway: the same load, on the same machine in the same run, against the simulator directly, three
# minimal pass-throughs built on the gateway's own packages (bench/SentinelOps.Floor: raw bytes; the OpenAI SDK behind
# IChatClient; the same with every request sent upstream as a stream, as the gateway does) and the gateway itself.
# Prints throughput at 32 connections (two interleaved rounds), p50 at 1 connection, a stream's time to first byte (p50
# of 200) and exact bytes allocated per request (bench/AllocationCounter, a startup hook). Loopback only, bounded in time.
# Needs wrk. Usage: bench/floor.sh [seconds per case]
cd "$(dirname "$0")/.."
duration=${1:-10}
source bench/common.sh
primary=127.0.0.1:9101 gateway=127.0.0.1:9100 floor=127.0.0.1:9102

build
for project in bench/SentinelOps.Floor bench/AllocationCounter; do dotnet build -c Release -v q -nologo "$project" >/dev/null; done
hook=$PWD/bench/AllocationCounter/bin/Release/net10.0/AllocationCounter.dll
counters=$(mktemp -d)
start_simulator primary OpenAI sim-gpt-4o-mini $primary
start_gateway $gateway DOTNET_STARTUP_HOOKS="$hook" ALLOCATION_COUNTER_FILE="$counters/gateway" \
  Providers__0__Name=primary Providers__0__Kind=OpenAI Providers__0__Endpoint="http://$primary/v1" Providers__0__Model=sim-gpt-4o-mini
gateway_pid=${pids[-1]}
env "${quiet[@]}" DOTNET_STARTUP_HOOKS="$hook" ALLOCATION_COUNTER_FILE="$counters/floor" Floor__Upstream="http://$primary/v1" \
  dotnet bench/SentinelOps.Floor/bin/Release/net10.0/SentinelOps.Floor.dll --urls "http://$floor" >/dev/null 2>&1 &
pids+=($!)
floor_pid=${pids[-1]}
wait_until_up "http://$primary/health" "http://$gateway/health" "http://$floor/health"

names=(direct raw sdk sdk-stream gateway)
declare -A url=([direct]="http://$primary/v1/chat/completions" [raw]="http://$floor/raw/v1/chat/completions"
  [sdk]="http://$floor/sdk/v1/chat/completions" [sdk-stream]="http://$floor/sdk-stream/v1/chat/completions"
  [gateway]="http://$gateway/v1/chat/completions")
declare -A label=([direct]="simulator, direct" [raw]="floor: bytes forwarded (HttpClient)"
  [sdk]="floor: OpenAI SDK via IChatClient" [sdk-stream]="floor: OpenAI SDK, sent on as a stream"
  [gateway]="Sentinel-Ops gateway")
declare -A counter=([raw]=floor [sdk]=floor [sdk-stream]=floor [gateway]=gateway)
body='{"model":"sim-gpt-4o-mini","messages":[{"role":"user","content":"hello benchmark"}]}'
stream_body='{"model":"sim-gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello benchmark"}]}'
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[%s]==]\n' "$body" >"$wrk_script"

run() { wrk -t"$1" -c"$2" -d"$3s" --timeout 10s --latency -s "$wrk_script" "$4"; } # threads connections seconds url
allocated() { sleep 0.3; cat "$counters/$1"; }

echo "Warming up each for ${WARMUP:-15} s..."
for name in "${names[@]}"; do run 2 32 "${WARMUP:-15}" "${url[$name]}" >/dev/null; done

declare -A rps1 rps2 bytes
for round in 1 2; do
  for name in "${names[@]}"; do
    [ -n "${counter[$name]:-}" ] && before=$(allocated "${counter[$name]}")
    out=$(run 2 32 "$duration" "${url[$name]}")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    if [ "$round" = 1 ]; then rps1[$name]=$rps; else rps2[$name]=$rps; fi
    if [ -n "${counter[$name]:-}" ] && [ "$round" = 2 ]; then
      bytes[$name]=$(( ($(allocated "${counter[$name]}") - before) / $(awk '/requests in/ {print $1}' <<<"$out") ))
    fi
  done
done

p50_ms() { awk '/^ +50%/ { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else { sub(/s/,"",v); v*=1000 } print v }'; }
declare -A p50
for name in "${names[@]}"; do p50[$name]=$(run 1 1 "$duration" "${url[$name]}" | p50_ms); done

ttfb() { # url -> p50 of 200 times to first byte, in ms
  for _ in $(seq 200); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' "$1" -H 'content-type: application/json' -d "$stream_body"
  done | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int(NR / 2)] * 1000 }'
}
declare -A first_byte
for name in direct sdk-stream gateway; do first_byte[$name]=$(ttfb "${url[$name]}"); done

direct_mean=$(awk -v a="${rps1[direct]}" -v b="${rps2[direct]}" 'BEGIN { print (a + b) / 2 }')
echo
echo "| path | req/s, 32 connections (2 rounds) | share of direct | p50, 1 connection | added to direct's p50 | stream's first byte after direct's | allocated per request |"
echo "|---|---|---|---|---|---|---|"
for name in "${names[@]}"; do
  share=$(awk -v a="${rps1[$name]}" -v b="${rps2[$name]}" -v d="$direct_mean" 'BEGIN { printf "%.0f%%", 100 * (a + b) / 2 / d }')
  added=$(awk -v a="${p50[$name]}" -v d="${p50[direct]}" 'BEGIN { printf "%.3f ms", a - d }')
  later=$([ -n "${first_byte[$name]:-}" ] && awk -v a="${first_byte[$name]}" -v d="${first_byte[direct]}" 'BEGIN { printf "%.3f ms", a - d }' || echo "–")
  printf '| %s | %s / %s | %s | %s ms | %s | %s | %s |\n' "${label[$name]}" "${rps1[$name]}" "${rps2[$name]}" "$share" "${p50[$name]}" \
    "$added" "$later" "${bytes[$name]:+${bytes[$name]} B}"
done
echo
echo "Stream's first byte, p50 of 200: direct ${first_byte[direct]} ms, SDK stream floor ${first_byte[sdk-stream]} ms, gateway ${first_byte[gateway]} ms."
echo "RSS after the runs: the floor (all three pass-throughs) $(($(ps -o rss= -p "$floor_pid") / 1024)) MB, the gateway $(($(ps -o rss= -p "$gateway_pid") / 1024)) MB."
