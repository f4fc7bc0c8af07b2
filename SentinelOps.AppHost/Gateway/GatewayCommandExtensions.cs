namespace SentinelOps.AppHost.Gateway;

/// <summary>The gateway's operator buttons in the Aspire dashboard.</summary>
internal static class GatewayCommandExtensions
{
    /// <summary>Adds "Probe all providers" (<c>POST /api/providers/probe</c>); the results appear as <c>provider_status</c> events and in the gateway's logs.</summary>
    /// <param name="gateway">The gateway.</param>
    /// <param name="clientKey">The gateway's client key (with the admin scope), sent with the command when keys are configured.</param>
    public static IResourceBuilder<ProjectResource> WithProbeAllCommand(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource>? clientKey = null) =>
        gateway.WithAdminCommand("/api/providers/probe", "Probe all providers", "probe-all-providers",
            "Health-check every provider now and publish the results", "HeartPulse", clientKey);

    /// <summary>
    /// Adds "Reset circuits" (<c>POST /api/providers/circuits/reset</c>): after a provider is mended, traffic returns
    /// to it at once instead of at the end of its break.
    /// </summary>
    /// <param name="gateway">The gateway.</param>
    /// <param name="clientKey">The gateway's client key (with the admin scope), sent with the command when keys are configured.</param>
    public static IResourceBuilder<ProjectResource> WithResetCircuitsCommand(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource>? clientKey = null) =>
        gateway.WithAdminCommand("/api/providers/circuits/reset", "Reset circuits", "reset-circuits",
            "Close every provider's circuit and forget its past failures", "ArrowReset", clientKey);

    private static IResourceBuilder<ProjectResource> WithAdminCommand(
        this IResourceBuilder<ProjectResource> gateway, string path, string displayName, string commandName, string description,
        string iconName, IResourceBuilder<ParameterResource>? clientKey) =>
        gateway.WithHttpCommand(path, displayName, endpointName: "http", commandName: commandName,
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = description,
                IconName = iconName,
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
