namespace SentinelOps.Gateway.Routing;

/// <summary>
/// A request's own say on mid-stream continuation: the header <c>x-sentinel-continuation: off</c> turns it off for that
/// request (<c>on</c>, the default, leaves <see cref="StreamingOptions.Continuation"/> to decide). The endpoint reads the
/// header and sets the switch on the request's async flow, which reaches the failover client as the request is made.
/// </summary>
public static class StreamContinuationSwitch
{
    /// <summary>The request header.</summary>
    public const string HeaderName = "x-sentinel-continuation";

    private static readonly AsyncLocal<bool> TurnedOff = new();

    /// <summary>Whether the request being made on this async flow turned continuation off.</summary>
    public static bool IsOffForCurrentRequest => TurnedOff.Value;

    /// <summary>Reads the header of <paramref name="request"/>: absent, <c>on</c> or <c>off</c> (any case).</summary>
    /// <returns>False when the header holds anything else (the caller answers 400 naming the header).</returns>
    public static bool TryApply(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return true;
        }

        var value = values.Count == 1 ? values[0]?.Trim() : null;
        if (string.Equals(value, "off", StringComparison.OrdinalIgnoreCase))
        {
            TurnedOff.Value = true;
            return true;
        }

        return string.Equals(value, "on", StringComparison.OrdinalIgnoreCase);
    }
}
