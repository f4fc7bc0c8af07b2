namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Carries a request's absolute deadline down the pipeline on the request's own async flow, so layers that wait (retry
/// back-off) can refuse to wait past it, without copying the caller's <see cref="Microsoft.Extensions.AI.ChatOptions"/>
/// for every request.
/// </summary>
/// <remarks>
/// Set it at the start of the async method (or the first step of the async iterator) that makes the request: the value
/// flows into every call made from there, and the method's return gives the caller back its own view, as for any
/// <see cref="AsyncLocal{T}"/>.
/// </remarks>
public static class RequestDeadline
{
    private static readonly AsyncLocal<DateTimeOffset?> CurrentDeadline = new();

    /// <summary>The deadline of the request being made on this async flow, if any.</summary>
    public static DateTimeOffset? Current => CurrentDeadline.Value;

    /// <summary>Makes <paramref name="deadline"/> the deadline of the request made on this async flow from here on.</summary>
    public static void Enter(DateTimeOffset deadline) => CurrentDeadline.Value = deadline;
}
