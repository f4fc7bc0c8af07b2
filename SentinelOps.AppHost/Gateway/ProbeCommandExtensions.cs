namespace SentinelOps.AppHost.Gateway;

/// <summary>The gateway's dashboard command that health-checks every provider at once.</summary>
internal static class ProbeCommandExtensions
{
    /// <summary>Adds "Probe all providers" (<c>POST /api/providers/probe</c>); the results appear as <c>provider_status</c> events and in the gateway's logs.</summary>
    /// <param name="gateway">The gateway.</param>
    /// <param name="clientKey">The gateway's client key (with the admin scope), sent with the command when keys are configured.</param>
    public static IResourceBuilder<ProjectResource> WithProbeAllCommand(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource>? clientKey = null) => gateway
        .WithHttpCommand("/api/providers/probe", "Probe all providers", endpointName: "http", commandName: "probe-all-providers",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Health-check every provider now and publish the results",
                IconName = "HeartPulse",
                IsHighlighted = true,
                PrepareRequest = async context =>
                {
                    if (clientKey is not null)
                    {
                        context.Request.Headers.Authorization = new("Bearer", await clientKey.Resource.GetValueAsync(context.CancellationToken));
                    }
                },
            });
}
