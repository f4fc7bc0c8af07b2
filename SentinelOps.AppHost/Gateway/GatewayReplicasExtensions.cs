using Microsoft.Extensions.Configuration;
using SentinelOps.AppHost.Configuration;

namespace SentinelOps.AppHost.Gateway;

/// <summary>Runs the gateway as <c>Gateway:Replicas</c> processes behind its one endpoint.</summary>
internal static class GatewayReplicasExtensions
{
    /// <summary>The most replicas the setting accepts: beyond it, the setting is more likely a typo than a plan.</summary>
    public const int MaxReplicas = 20;

    /// <summary>
    /// Applies <see cref="AppHostSettings.GatewayReplicas"/> (default 1). The replicas share Redis (incidents, metrics,
    /// the monitor's reports, the response cache); in run mode Aspire's proxy on port 8000 spreads requests over them,
    /// and the deployment manifest carries the count.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is not a whole number from 1 to <see cref="MaxReplicas"/>.</exception>
    public static IResourceBuilder<ProjectResource> WithReplicasFromConfiguration(this IResourceBuilder<ProjectResource> gateway, IConfiguration configuration)
    {
        var value = configuration[AppHostSettings.GatewayReplicas];
        if (string.IsNullOrWhiteSpace(value))
        {
            return gateway;
        }

        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas) || replicas is < 1 or > MaxReplicas)
        {
            throw new InvalidOperationException($"{AppHostSettings.GatewayReplicas} must be a whole number from 1 to {MaxReplicas}; it is '{value}'.");
        }

        return replicas == 1 ? gateway : gateway.WithReplicas(replicas);
    }
}
