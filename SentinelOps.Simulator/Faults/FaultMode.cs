using System.Text.Json.Serialization;

namespace SentinelOps.Simulator.Faults;

/// <summary>The ways a simulated provider can misbehave.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultMode>))]
public enum FaultMode
{
    /// <summary>Answers normally.</summary>
    [JsonStringEnumMemberName("healthy")] Healthy,

    /// <summary>HTTP 500 Internal Server Error.</summary>
    [JsonStringEnumMemberName("error_500")] Error500,

    /// <summary>HTTP 503 Service Unavailable.</summary>
    [JsonStringEnumMemberName("error_503")] Error503,

    /// <summary>HTTP 429 Too Many Requests with a <c>Retry-After</c> header.</summary>
    [JsonStringEnumMemberName("rate_limited")] RateLimited,

    /// <summary>Answers correctly after an added delay.</summary>
    [JsonStringEnumMemberName("latency")] Latency,

    /// <summary>Accepts the request and never answers (until the client gives up or the fault is cleared).</summary>
    [JsonStringEnumMemberName("hang")] Hang,

    /// <summary>Drops the connection without an HTTP response.</summary>
    [JsonStringEnumMemberName("connection_reset")] ConnectionReset,

    /// <summary>Streams the first N chunks, then drops the connection; non-streaming requests are answered normally.</summary>
    [JsonStringEnumMemberName("stream_cut")] StreamCut,

    /// <summary>
    /// Streams the first N chunks, then sends nothing more with the connection left open, until the client gives up or
    /// the fault is cleared (then the stream finishes); non-streaming requests are answered normally.
    /// </summary>
    [JsonStringEnumMemberName("stall")] Stall,

    /// <summary>Answers 200 with a body that is not valid JSON.</summary>
    [JsonStringEnumMemberName("malformed_body")] MalformedBody,
}
