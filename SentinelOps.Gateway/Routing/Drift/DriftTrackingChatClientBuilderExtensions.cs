using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>Adds <see cref="DriftTrackingChatClient"/> to a provider's pipeline.</summary>
public static class DriftTrackingChatClientBuilderExtensions
{
    /// <summary>Reports each attempt's latency and provider faults to <paramref name="drift"/>; unless drift draining
    /// is off (<see cref="ProviderDriftState.Tracked"/>), in which case the builder is returned unchanged (no cost per request).</summary>
    public static ChatClientBuilder UseDriftTracking(this ChatClientBuilder builder, ProviderDriftState drift)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(drift);
        return !drift.Tracked ? builder : builder.Use((innerClient, services) =>
            new DriftTrackingChatClient(innerClient, drift, services.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
