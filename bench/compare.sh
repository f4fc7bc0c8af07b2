#!/usr/bin/env bash
# Sentinel-Ops against the Portkey AI Gateway (open source, from npm), same simulators, same load:
# overhead on the healthy path, then a primary answering 500 and a primary that hangs.
# Both are configured alike: primary and fallback speak OpenAI's protocol, 1 s per-attempt timeout.
# Needs wrk and Node.js/npm. Usage: bench/compare.sh [seconds] [connections]
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-8}
source bench/common.sh
portkey_version=1.15.2
primary=127.0.0.1:9101 fallback=127.0.0.1:9103 sentinel=127.0.0.1:9100 portkey=127.0.0.1:8787

portkey_dir=${PORTKEY_DIR:-${TMPDIR:-/tmp}/sentinel-bench-portkey-$portkey_version}
if [ ! -f "$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
  mkdir -p "$portkey_dir"
  npm install --prefix "$portkey_dir" --no-audit --no-fund --silent "@portkey-ai/gateway@$portkey_version" >/dev/null
fi

build
start_simulator primary OpenAI sim-gpt-4o-mini $primary
start_simulator fallback OpenAI sim-gpt-4o-mini $fallback
start_gateway $sentinel Gateway__CircuitBreaker__BreakDuration=00:00:05 Gateway__Timeouts__Attempt=00:00:01 \
  Providers__0__Name=primary Providers__0__Kind=OpenAI Providers__0__Endpoint="http://$primary/v1" Providers__0__Model=sim-gpt-4o-mini \
  Providers__1__Name=fallback Providers__1__Kind=OpenAI Providers__1__Endpoint="http://$fallback/v1" Providers__1__Model=sim-gpt-4o-mini
node "$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js" --port "${portkey##*:}" >/dev/null 2>&1 &
pids+=($!)
wait_until_up "http://$primary/health" "http://$fallback/health" "http://$sentinel/health" "http://$portkey/"

body='{"model":"sim-gpt-4o-mini","messages":[{"role":"user","content":"hello benchmark"}]}'
portkey_config="x-portkey-config: {\"strategy\":{\"mode\":\"fallback\"},\"request_timeout\":1000,\"targets\":[{\"provider\":\"openai\",\"custom_host\":\"http://$primary/v1\",\"api_key\":\"unused\"},{\"provider\":\"openai\",\"custom_host\":\"http://$fallback/v1\",\"api_key\":\"unused\"}]}"

case_pair() { # label fault
  calls=()
  for gateway in sentinel portkey; do
    reset_stats $primary
    [ -n "$2" ] && set_fault $primary "$2"
    if [ $gateway = sentinel ]; then
      measure "Sentinel-Ops, $1" "http://$sentinel/v1/chat/completions" "$body"
    else
      measure "Portkey $portkey_version, $1" "http://$portkey/v1/chat/completions" "$body" "$portkey_config"
    fi
    calls+=("$gateway, $1: $(chat_requests $primary) calls reached the primary")
    clear_fault $primary
    # Let Sentinel-Ops's circuit close again (break 5 s, then one trial).
    sleep 6
    curl -sf "http://$sentinel/v1/chat/completions" -H 'content-type: application/json' -d "$body" >/dev/null
  done
  all_calls+=("${calls[@]}")
}

echo "wrk, 1 thread, $connections connections, ${duration} s per case after a ${WARMUP:-15} s warm-up, $(nproc) cores; simulators answer at once."
echo
echo "| case | req/s | p50 | p90 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
all_calls=()
case_pair "healthy" ""
case_pair "primary answering 500" '{"mode":"error_500"}'
case_pair "primary hanging" '{"mode":"hang"}'
echo
printf -- '- %s (warm-up included)\n' "${all_calls[@]}"
