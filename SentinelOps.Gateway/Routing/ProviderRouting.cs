using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Routing;

/// <summary>Which provider answered a request and which failed before it.</summary>
/// <param name="Provider">The provider that answered.</param>
/// <param name="Failures">The providers tried before it, in order, with their errors.</param>
public sealed record ProviderRouting(string Provider, IReadOnlyList<ProviderFailure> Failures)
{
    /// <summary>The key under which the failover client stores this in <see cref="ChatResponse.AdditionalProperties"/>
    /// (and in the first <see cref="ChatResponseUpdate"/> of a stream).</summary>
    public const string AdditionalPropertiesKey = "sentinel.routing";

    /// <summary>Whether the request was hedged: also started on another provider because the first sent no first token
    /// within the hedging delay (<see cref="HedgingOptions"/>). <see cref="Provider"/> is the one that sent content first.</summary>
    public bool Hedged { get; init; }

    /// <summary>Whether a provider other than the first choice answered.</summary>
    public bool FailoverOccurred => Failures.Count > 0;

    /// <summary>Reads the routing the failover client attached, if any.</summary>
    public static ProviderRouting? From(AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(AdditionalPropertiesKey, out var value) ? value as ProviderRouting : null;
}
