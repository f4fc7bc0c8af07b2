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
    /// the monitor's reports, the response cache, the circuits); in run mode Aspire's proxy on port 8000 spreads requests
    /// over them, and the deployment manifest carries the count as the gateway's <c>replicas</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is not a whole number from 1 to <see cref="MaxReplicas"/>.</exception>
    public static IResourceBuilder<ProjectResource> WithReplicasFromConfiguration(this IResourceBuilder<ProjectResource> gateway, IConfiguration configuration)
    {
        var value = configuration[AppHostSettings.GatewayReplicas];
        if (string.IsNullOrWhiteSpace(value))
        {
            return gateway.WithReplicasInManifest(1);
        }

        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas) || replicas is < 1 or > MaxReplicas)
        {
            throw new InvalidOperationException($"{AppHostSettings.GatewayReplicas} must be a whole number from 1 to {MaxReplicas}; it is '{value}'.");
        }

        return (replicas == 1 ? gateway : gateway.WithReplicas(replicas)).WithReplicasInManifest(replicas);
    }

    // Aspire 13.6's manifest has no replica count: its project.v0 writer (ManifestPublishingContext.WriteProjectAsync)
    // writes type, path, args, env and bindings, and ReplicaAnnotation only reaches DCP, Kubernetes and Azure Container
    // Apps publishers. So the gateway writes its own entry: the same fields, plus "replicas" (see README, Deploy).
    private static IResourceBuilder<ProjectResource> WithReplicasInManifest(this IResourceBuilder<ProjectResource> gateway, int replicas) =>
        !gateway.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? gateway
            : gateway.WithManifestPublishingCallback(async context =>
            {
                var project = gateway.Resource;
                context.Writer.WriteString("type", "project.v0");
                context.Writer.WriteString("path", context.GetManifestRelativePath(project.GetProjectMetadata().ProjectPath));
                await context.WriteCommandLineArgumentsAsync(project);
                await context.WriteEnvironmentVariablesAsync(project);
                context.WriteBindings(project);
                context.Writer.WriteNumber("replicas", replicas);
            });
}
