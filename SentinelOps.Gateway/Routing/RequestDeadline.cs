using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Carries a request's absolute deadline down the pipeline in <see cref="ChatOptions.AdditionalProperties"/>, so layers
/// that wait (retry back-off) can refuse to wait past it. The protocol clients ignore unknown properties.
/// </summary>
public static class RequestDeadline
{
    /// <summary>The property key.</summary>
    public const string PropertyKey = "sentinel.deadline";

    /// <summary>A copy of <paramref name="options"/> that carries <paramref name="deadline"/>.</summary>
    public static ChatOptions WithDeadline(this ChatOptions? options, DateTimeOffset deadline)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        (copy.AdditionalProperties ??= [])[PropertyKey] = deadline;
        return copy;
    }

    /// <summary>The deadline <paramref name="options"/> carries, if any.</summary>
    public static DateTimeOffset? GetDeadline(this ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(PropertyKey, out var value) == true && value is DateTimeOffset deadline ? deadline : null;
}
