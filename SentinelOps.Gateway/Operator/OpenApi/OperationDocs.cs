using System.Collections.Frozen;
using SentinelOps.Gateway.Apis;

namespace SentinelOps.Gateway.Operator.OpenApi;

/// <summary>
/// The API reference's text and examples for every operation, keyed by <c>METHOD path</c>. Kept in one place, apart
/// from the endpoint mappings, so each API file stays about behaviour; the examples are the seed API's own.
/// </summary>
internal static class OperationDocs
{
    private const string ChatRequestExample = """
        {"message": "Explain circuit breakers in distributed systems.", "max_tokens": 512, "temperature": 0.7}
        """;

    private const string ChatResponseExample = """
        {
          "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
          "provider_used": "primary",
          "model": "gpt-4o-mini",
          "response_text": "A circuit breaker is ...",
          "latency_ms": 843.2,
          "status": "success",
          "failover_occurred": false,
          "failover_chain": [],
          "tokens_used": 187
        }
        """;

    private const string ValidationProblemExample = """
        {
          "type": "https://sentinel-ops.dev/problems/invalid-request",
          "title": "The request is invalid",
          "status": 400,
          "errors": {"temperature": ["Between 0 and 2."]},
          "error": {"message": "temperature: Between 0 and 2.", "type": "invalid_request_error", "param": "temperature", "code": null}
        }
        """;

    private const string AllProvidersFailedExample = """
        {
          "type": "https://sentinel-ops.dev/problems/all-providers-failed",
          "title": "All providers failed",
          "status": 503,
          "detail": "None of the providers could answer: primary: HTTP 503; fallback: circuit open.",
          "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
          "errors": [
            {"provider": "primary", "error": "HTTP 503", "status_code": 503},
            {"provider": "fallback", "error": "circuit open", "status_code": null}
          ],
          "failover_chain": ["primary", "fallback"]
        }
        """;

    private const string UnknownProviderExample = """
        {
          "type": "https://sentinel-ops.dev/problems/unknown-provider",
          "title": "Unknown provider",
          "status": 404,
          "detail": "No provider is called 'gemini'. Configured: primary, fallback."
        }
        """;

    private const string FaultStatusExample = """
        {"provider": "primary", "mode": "error_503", "fault": {"mode": "error_503"}, "expires_at": null, "remaining_requests": null}
        """;

    private const string AdminNote = "\n\nAn operational write: when client keys are configured, only a key with the `admin` scope may call it.";

    /// <summary>The documentation by <c>METHOD path</c> (path without its leading slash, as the API explorer writes it).</summary>
    public static FrozenDictionary<string, OperationDoc> ByOperation { get; } = new Dictionary<string, OperationDoc>
    {
        ["POST api/chat"] = new(
            "Route a prompt through the failover engine",
            "The seed API. Sends the message to the first healthy provider in priority order and fails over to the next on "
            + "a provider error (5xx, 408, 429, timeout, connection failure); an open circuit is skipped without a call. The "
            + "answer says which provider answered (`provider_used`), whether failover happened and which providers failed "
            + "first (`failover_chain`), and, only when it was hedged, `hedged: true` (with `Gateway:Hedging:Enabled`, also started on the "
            + "next provider because the first sent no first token within the hedging delay; `provider_used` is the one that "
            + "answered first). A bad request is a 400 problem naming each field; when every provider fails the answer "
            + "is 503 with each provider's error and `Retry-After`.",
            typeof(ChatApiRequest),
            new Dictionary<string, string> { ["prompt"] = ChatRequestExample },
            new Dictionary<int, string>
            {
                [200] = ChatResponseExample,
                [400] = ValidationProblemExample,
                [503] = AllProvidersFailedExample,
            }),
        ["POST v1/chat/completions"] = new(
            "OpenAI-compatible chat completion",
            "Any OpenAI SDK can use the gateway by setting its base URL to `<gateway>/v1`. JSON or server-sent events "
            + "(`stream: true`, with a final usage chunk when `stream_options.include_usage`). Headers `x-sentinel-provider` and "
            + "`x-sentinel-failover` say who answered (for a stream, the provider of its first content: headers go out with it); "
            + "`x-sentinel-hedged: true` marks an answer that was hedged on a second provider (`Gateway:Hedging`). "
            + "Streams fail over until the first content chunk. After it, a provider that stalls or breaks is continued by the next "
            + "healthy provider in the same stream (`Gateway:Streaming:Continuation`, default on): it is sent the messages, the "
            + "text so far and an instruction to continue; an SSE comment (`: x-sentinel continued provider=… after=… reason=stall|cut|error`) "
            + "marks the switch, chunk ids stay the same, the final usage adds up both parts, and the stream ends with `[DONE]`. "
            + "A tool call is never spliced. When the stream is not (or cannot be) continued, it ends with an error event "
            + "(`code: stream_interrupted`) and no `[DONE]`.",
            RequestExamples: new Dictionary<string, string>
            {
                ["prompt"] = """
                    {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Explain circuit breakers in distributed systems."}], "max_tokens": 512, "temperature": 0.7}
                    """,
            },
            RequestHeaders: new Dictionary<string, (string, string[])>
            {
                [SentinelOps.Gateway.Routing.StreamContinuationSwitch.HeaderName] = (
                    "`off`: a stream that fails mid-answer ends with the `stream_interrupted` error event instead of being continued by the next provider. Any other value than `on`/`off` is a 400.",
                    ["on", "off"]),
            },
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """
                    {
                      "id": "chatcmpl-4bf92f3577b34da6",
                      "object": "chat.completion",
                      "created": 1764337200,
                      "model": "gpt-4o-mini",
                      "choices": [{"index": 0, "message": {"role": "assistant", "content": "A circuit breaker is ..."}, "finish_reason": "stop"}],
                      "usage": {"prompt_tokens": 9, "completion_tokens": 178, "total_tokens": 187}
                    }
                    """,
                [400] = ValidationProblemExample,
                [503] = AllProvidersFailedExample,
            }),
        ["GET v1/models"] = new(
            "List the models reachable through the gateway",
            "One entry per configured provider, with the provider's name as `owned_by`.",
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """
                    {"object": "list", "data": [
                      {"id": "gpt-4o-mini", "object": "model", "created": 0, "owned_by": "primary"},
                      {"id": "llama3.2", "object": "model", "created": 0, "owned_by": "fallback"}
                    ]}
                    """,
            }),
        ["GET api/providers/status"] = new(
            "Each provider's health and circuit",
            "An object keyed by provider name: `status` (`healthy`, `degraded`, `recovering`, `down`), `latency_ms`, "
            + "`success_rate_pct`, `circuit_breaker.state` (`closed`, `open`, `half_open`, `isolated`), `traffic` (`share_pct`: the "
            + "requests it answered over all answered recently, in this replica; `weight_pct`: its drift weight) and `drift` "
            + "(`state`: `healthy`, `degraded`, `recovering`; why and since when; its fast latency and error rate against their baselines); with several replicas, "
            + "`circuit_breaker.decided_by` names the replica whose decision put the circuit in its state, `decided_remotely` whether "
            + "that was another replica than the one answering (`replica`).",
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """
                    {
                      "primary": {"status": "degraded", "kind": "OpenAI", "model": "gpt-4o-mini", "priority": 0, "latency_ms": 1412.3, "success_rate_pct": 99.1,
                                  "circuit_breaker": {"state": "closed", "failures": 0, "opened_at": null, "retry_after_seconds": null,
                                                      "decided_by": "gateway-bmtrdsa", "decided_remotely": false, "replica": "gateway-bmtrdsa"},
                                  "traffic": {"share_pct": 9.6, "weight_pct": 10},
                                  "drift": {"state": "degraded", "reason": "latency 1630 ms is 4.0x its 412.3 ms baseline", "since": "2026-11-28T14:00:00Z",
                                            "latency_ms": 1630.2, "baseline_latency_ms": 412.3, "error_rate_pct": 0, "baseline_error_rate_pct": 0.9}},
                      "fallback": {"status": "healthy", "kind": "Ollama", "model": "llama3.2", "priority": 1, "latency_ms": 1204.7, "success_rate_pct": 100,
                                   "circuit_breaker": {"state": "closed", "failures": 0, "opened_at": null, "retry_after_seconds": null,
                                                       "decided_by": "gateway-bmtrdsa", "decided_remotely": false, "replica": "gateway-bmtrdsa"},
                                   "traffic": {"share_pct": 90.4, "weight_pct": 100},
                                   "drift": {"state": "healthy", "reason": null, "since": null,
                                             "latency_ms": 1190.5, "baseline_latency_ms": 1204.7, "error_rate_pct": 0, "baseline_error_rate_pct": 0}}
                    }
                    """,
            }),
        ["POST api/providers/{name}/probe"] = new(
            "Check one provider's health now",
            "Runs the same protocol-correct probe the Monitor runs on its interval (OpenAI: `GET /v1/models`; Ollama: "
            + "`GET /api/tags` and the model's presence) and answers with the provider's status." + AdminNote,
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """
                    {"provider": "primary", "status": "healthy", "latency_ms": 41.2, "p95_latency_ms": 63.0, "success_rate_pct": 100, "checked_at": "2026-11-28T14:00:00Z", "error": null}
                    """,
                [404] = UnknownProviderExample,
            }),
        ["POST api/providers/probe"] = new(
            "Check every provider's health now",
            "Probes every provider at once (the Aspire dashboard's \"Probe all providers\" command) and answers with each one's "
            + "status, keyed by name; each result is also published as a `provider_status` event." + AdminNote,
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """
                    {
                      "primary": {"provider": "primary", "status": "healthy", "latency_ms": 41.2, "p95_latency_ms": 41.2, "success_rate_pct": 100, "checked_at": "2026-11-28T14:00:00Z", "error": null},
                      "fallback": {"provider": "fallback", "status": "down", "latency_ms": null, "p95_latency_ms": null, "success_rate_pct": 0, "checked_at": "2026-11-28T14:00:00Z", "error": "HTTP 503"}
                    }
                    """,
            }),
        ["GET api/incidents"] = new(
            "Recent incidents",
            "Outages, failovers and recoveries from the incident stream, newest first. `limit` (default 50) bounds the count; "
            + "`type` filters by incident type (`provider_down`, `provider_degraded`, `provider_recovered`, `failover_triggered`, "
            + "`circuit_opened`, `circuit_half_open`, `circuit_closed`, `all_providers_down`). An incident's `id` is usable as "
            + "the WebSocket's `last_event_id`. 503 when the incident log (Redis) cannot be read.",
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """
                    {
                      "incidents": [
                        {"id": "1764338400000-0", "type": "failover_triggered", "provider": "primary", "timestamp": "2026-11-28T14:00:00Z",
                         "detail": "primary failed (HTTP 503); fallback answered", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                         "failover_chain": ["primary"], "source": "gateway"}
                      ],
                      "count": 1
                    }
                    """,
                [400] = """
                    {"type": "https://sentinel-ops.dev/problems/invalid-request", "title": "The request is invalid", "status": 400,
                     "errors": {"limit": ["limit must be an integer from 1 to 500."]}}
                    """,
            }),
        ["GET api/metrics"] = new(
            "Headline metrics",
            "The seed's counters (requests, successes, failures, failovers, average latency, the provider answering now, "
            + "uptime), then cancelled requests, latency percentiles of successful requests and per-provider counts. Totals are "
            + "summed across gateway replicas (through Redis); `redis_available: false` means only this replica's counts are shown. "
            + "The same body is published as the `metrics` event.",
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """
                    {
                      "total_requests": 1042, "total_successes": 1038, "total_failures": 4, "total_failovers": 2, "avg_latency_ms": 523.1,
                      "active_provider": "primary", "uptime_seconds": 3601.0, "total_cancelled": 0,
                      "p50_latency_ms": 410.0, "p95_latency_ms": 1250.0, "p99_latency_ms": 2100.0,
                      "providers": {"primary": {"requests": 1040, "successes": 1036, "failures": 4}, "fallback": {"requests": 6, "successes": 6, "failures": 0}},
                      "redis_available": true
                    }
                    """,
            }),
        ["GET api/providers/{name}/faults"] = new(
            "The fault in force on a simulated provider",
            "Reads the simulator's `/control/faults`. 404 for an unknown provider or a real one (only simulators take faults).",
            ResponseExamples: new Dictionary<int, string> { [200] = FaultStatusExample, [404] = UnknownProviderExample }),
        ["PUT api/providers/{name}/faults"] = new(
            "Inject a fault into a simulated provider",
            "Forwards the fault to the simulator's `/control/faults`. With no body it simulates an outage (`error_503` until "
            + "restored): the status page's \"Simulate outage\" button. Modes: `healthy`, `error_500`, `error_503`, `rate_limited`, "
            + "`latency`, `hang`, `connection_reset`, `stream_cut`, `malformed_body`; any can end by itself after `duration_seconds` "
            + "or `requests`. 404 for an unknown or real provider; 400 naming the field for a bad fault; 502 when the simulator "
            + "cannot be reached." + AdminNote,
            typeof(ProviderFaultRequest),
            new Dictionary<string, string>
            {
                ["outage"] = """{"mode": "error_503"}""",
                ["rate limited for 30 s"] = """{"mode": "rate_limited", "retry_after_seconds": 5, "duration_seconds": 30}""",
                ["slow"] = """{"mode": "latency", "latency_ms": 5000}""",
            },
            new Dictionary<int, string> { [200] = FaultStatusExample, [404] = UnknownProviderExample },
            RequestRequired: false),
        ["DELETE api/providers/{name}/faults"] = new(
            "Restore a simulated provider",
            "Clears any injected fault (the status page's \"Restore\" button). The provider's circuit may stay open until its "
            + "break ends or the Monitor reports it recovered; `POST /api/providers/circuits/reset` closes it at once." + AdminNote,
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """{"provider": "primary", "mode": "healthy", "fault": null, "expires_at": null, "remaining_requests": null}""",
                [404] = UnknownProviderExample,
            }),
        ["POST api/providers/circuits/reset"] = new(
            "Close every provider's circuit",
            "Closes every circuit and forgets past failures, so traffic returns to mended providers at once instead of at the "
            + "end of their break. The Aspire dashboard's \"Reset circuits\" command on the gateway calls it." + AdminNote,
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """
                    {"circuits": {"primary": {"previous_state": "open", "state": "closed"}, "fallback": {"previous_state": "closed", "state": "closed"}}}
                    """,
            }),
        ["POST api/auth/ws-ticket"] = new(
            "A short-lived ticket for the WebSocket",
            "Browsers cannot set headers on a WebSocket: an authenticated client asks for a ticket here and connects with "
            + "`/ws/system-events?ticket=...`. Single use; expires after `expires_in_seconds`.",
            ResponseExamples: new Dictionary<int, string>
            {
                [200] = """{"ticket": "k3v9a1b2c3d4e5f6", "expires_in_seconds": 30}""",
            }),
        ["GET ws/system-events"] = new(
            "Live events over a WebSocket",
            "Upgrade to a WebSocket. Each message is `{\"event_type\", \"payload\", \"timestamp\", \"id\"}` with event types "
            + "`provider_status`, `incident`, `metrics`, `heartbeat` (every 30 s) and `system`. Reconnect with "
            + "`?last_event_id=<id>` to receive the incidents missed meanwhile; browsers authenticate with `?ticket=` from "
            + "`POST /api/auth/ws-ticket`.",
            ResponseExamples: new Dictionary<int, string>
            {
                [101] = """
                    {"event_type": "incident", "payload": {"id": "1764338400000-0", "type": "provider_down", "provider": "primary", "timestamp": "2026-11-28T14:00:00Z", "detail": "3 probes failed: HTTP 503", "trace_id": null}, "timestamp": "2026-11-28T14:00:00Z", "id": "1764338400000-0"}
                    """,
            }),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
}
