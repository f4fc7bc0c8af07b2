namespace SentinelOps.Shared.Probing;

/// <summary>The outcome of one health probe of one provider.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Success">Whether it answered in time, protocol-correctly, and listed its configured model.</param>
/// <param name="Latency">How long the probe took (up to its timeout when it timed out).</param>
/// <param name="CheckedAt">When the probe finished (UTC).</param>
/// <param name="Error">Why it failed, secret-free and without the response body; <see langword="null"/> on success.</param>
/// <param name="TraceId">The W3C trace id of the probe's span, when tracing is on.</param>
public sealed record ProbeResult(
    string Provider,
    bool Success,
    TimeSpan Latency,
    DateTimeOffset CheckedAt,
    string? Error = null,
    string? TraceId = null);
