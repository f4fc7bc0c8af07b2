using System.Text.Json.Serialization;

namespace SentinelOps.Simulator.Faults;

/// <summary>The body of <c>PUT /control/faults</c>: which fault to inject and for how long.</summary>
public sealed record FaultRequest
{
    /// <summary>The fault to inject.</summary>
    [JsonPropertyName("mode")]
    public FaultMode? Mode { get; init; }

    /// <summary>Added delay for <see cref="FaultMode.Latency"/>, in milliseconds.</summary>
    [JsonPropertyName("latency_ms")]
    public int? LatencyMs { get; init; }

    /// <summary>The <c>Retry-After</c> value for <see cref="FaultMode.RateLimited"/>, in seconds (default 1).</summary>
    [JsonPropertyName("retry_after_seconds")]
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Chunks streamed before the cut for <see cref="FaultMode.StreamCut"/>, or before the silence for <see cref="FaultMode.Stall"/> (default 2).</summary>
    [JsonPropertyName("after_chunks")]
    public int? AfterChunks { get; init; }

    /// <summary>
    /// Only chat requests suffer the fault; model listings and version probes (what a health monitor calls) are answered
    /// normally, as when a provider's model is overloaded but its API is up. Absent or false: every request.
    /// </summary>
    [JsonPropertyName("chat_only")]
    public bool? ChatOnly { get; init; }

    /// <summary>The fault clears itself after this many seconds; absent means until restored.</summary>
    [JsonPropertyName("duration_seconds")]
    public double? DurationSeconds { get; init; }

    /// <summary>The fault clears itself after affecting this many requests; absent means until restored.</summary>
    [JsonPropertyName("requests")]
    public int? Requests { get; init; }

    /// <summary>Checks the request and returns field-keyed errors, empty when valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Mode is null)
        {
            errors["mode"] = ["Required. One of: healthy, error_500, error_503, rate_limited, latency, hang, connection_reset, stream_cut, stall, malformed_body."];
        }

        if (Mode == FaultMode.Latency && LatencyMs is null)
        {
            errors["latency_ms"] = ["Required when mode is 'latency'."];
        }

        CheckRange(errors, "latency_ms", LatencyMs, 0, 600_000);
        CheckRange(errors, "retry_after_seconds", RetryAfterSeconds, 0, 3600);
        CheckRange(errors, "after_chunks", AfterChunks, 0, 10_000);
        CheckRange(errors, "requests", Requests, 1, int.MaxValue);
        if (DurationSeconds is { } duration && (double.IsNaN(duration) || duration <= 0 || duration > 86_400))
        {
            errors["duration_seconds"] = ["Must be greater than 0 and at most 86400."];
        }

        return errors;
    }

    private static void CheckRange(Dictionary<string, string[]> errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors[field] = [$"Must be between {min} and {max}."];
        }
    }
}
