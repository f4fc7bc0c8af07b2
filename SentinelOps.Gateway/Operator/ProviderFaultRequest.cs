using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Operator;

/// <summary>
/// The body of <c>PUT /api/providers/{name}/faults</c>: the fault to inject into a simulated provider, as its
/// <c>/control/faults</c> takes it. The simulator checks the values.
/// </summary>
public sealed record ProviderFaultRequest
{
    /// <summary>
    /// <c>healthy</c>, <c>error_500</c>, <c>error_503</c>, <c>rate_limited</c>, <c>latency</c>, <c>hang</c>,
    /// <c>connection_reset</c>, <c>stream_cut</c> or <c>malformed_body</c>.
    /// </summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>Added delay for <c>latency</c>, in milliseconds.</summary>
    [JsonPropertyName("latency_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LatencyMs { get; init; }

    /// <summary>The <c>Retry-After</c> of <c>rate_limited</c>, in seconds (default 1).</summary>
    [JsonPropertyName("retry_after_seconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Chunks streamed before a <c>stream_cut</c> (default 2).</summary>
    [JsonPropertyName("after_chunks")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? AfterChunks { get; init; }

    /// <summary>The fault clears itself after this many seconds; absent means until restored.</summary>
    [JsonPropertyName("duration_seconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DurationSeconds { get; init; }

    /// <summary>The fault clears itself after this many affected requests; absent means until restored.</summary>
    [JsonPropertyName("requests")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Requests { get; init; }
}
