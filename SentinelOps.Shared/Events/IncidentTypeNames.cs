using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace SentinelOps.Shared.Events;

/// <summary>The wire names of <see cref="IncidentType"/> (<c>provider_down</c>, …), without a JSON round trip.</summary>
public static class IncidentTypeNames
{
    private static readonly FrozenDictionary<IncidentType, string> Names = new Dictionary<IncidentType, string>
    {
        [IncidentType.ProviderDown] = "provider_down",
        [IncidentType.ProviderDegraded] = "provider_degraded",
        [IncidentType.ProviderRecovered] = "provider_recovered",
        [IncidentType.FailoverTriggered] = "failover_triggered",
        [IncidentType.CircuitOpened] = "circuit_opened",
        [IncidentType.CircuitHalfOpen] = "circuit_half_open",
        [IncidentType.CircuitClosed] = "circuit_closed",
        [IncidentType.AllProvidersDown] = "all_providers_down",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, IncidentType> Types =
        Names.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>Every wire name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<IncidentType>().Select(t => Names[t])];

    /// <summary>The wire name of <paramref name="type"/>.</summary>
    public static string ToName(IncidentType type) =>
        Names.TryGetValue(type, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown incident type.");

    /// <summary>Parses a wire name (exact, lowercase).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out IncidentType type)
    {
        type = default;
        return name is not null && Types.TryGetValue(name, out type);
    }
}
