#!/usr/bin/env bash
# The healthy path under each routing strategy (Gateway:Routing:Strategy), one gateway each, over the same two
# simulators (primary OpenAI, fallback Ollama), loopback only. Needs wrk. Usage: bench/strategies.sh [seconds] [connections]
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-8}
source bench/common.sh
primary=127.0.0.1:9101 fallback=127.0.0.1:9102

build
start_simulator primary OpenAI sim-gpt-4o-mini $primary
start_simulator fallback Ollama llama3.2:1b $fallback
wait_until_up "http://$primary/health" "http://$fallback/health"
openai='{"model":"any","messages":[{"role":"user","content":"hello benchmark"}]}'

echo "wrk, 1 thread, $connections connections, ${duration} s per case after a ${WARMUP:-15} s warm-up, $(nproc) cores; simulators answer at once."
echo
echo "| case | req/s | p50 | p90 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
port=9110
for strategy in priority weighted least_latency cost; do
  port=$((port + 1))
  start_gateway 127.0.0.1:$port Gateway__Routing__Strategy=$strategy \
    Providers__0__Name=primary Providers__0__Kind=OpenAI Providers__0__Endpoint="http://$primary/v1" Providers__0__Model=sim-gpt-4o-mini \
    Providers__0__Weight=3 Providers__0__InputPricePerMillion=0.15 Providers__0__OutputPricePerMillion=0.6 \
    Providers__1__Name=fallback Providers__1__Kind=Ollama Providers__1__Endpoint="http://$fallback" Providers__1__Model=llama3.2:1b \
    Providers__1__Weight=1 Providers__1__InputPricePerMillion=0 Providers__1__OutputPricePerMillion=0
  gateway_pid=${pids[-1]}
  wait_until_up "http://127.0.0.1:$port/health"
  measure "gateway, $strategy" "http://127.0.0.1:$port/v1/chat/completions" "$openai"
  kill "$gateway_pid"
done
