namespace SentinelOps.AppHost.Gateway;

/// <summary>The gateway's dashboard command that health-checks every provider at once.</summary>
internal static class ProbeCommandExtensions
{
    /// <summary>Adds "Probe all providers" (<c>POST /api/providers/probe</c>); the results appear as <c>provider_status</c> events and in the gateway's logs.</summary>
    public static IResourceBuilder<ProjectResource> WithProbeAllCommand(this IResourceBuilder<ProjectResource> gateway) => gateway
        .WithHttpCommand("/api/providers/probe", "Probe all providers", endpointName: "http", commandName: "probe-all-providers",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Health-check every provider now and publish the results",
                IconName = "HeartPulse",
                IsHighlighted = true,
            });
}
