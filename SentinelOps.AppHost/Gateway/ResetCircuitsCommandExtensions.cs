namespace SentinelOps.AppHost.Gateway;

/// <summary>The gateway's "Reset circuits" dashboard command.</summary>
internal static class ResetCircuitsCommandExtensions
{
    /// <summary>
    /// Adds a dashboard button that closes every provider circuit through <c>POST /api/providers/circuits/reset</c>:
    /// after a provider is mended, traffic returns to it at once instead of at the end of its break.
    /// </summary>
    /// <param name="gateway">The gateway.</param>
    /// <param name="clientKey">The gateway's client key (with the admin scope), sent with the command when keys are configured.</param>
    public static IResourceBuilder<ProjectResource> WithResetCircuitsCommand(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource>? clientKey = null) => gateway
        .WithHttpCommand("/api/providers/circuits/reset", "Reset circuits", endpointName: "http", commandName: "reset-circuits",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Close every provider's circuit and forget its past failures",
                IconName = "ArrowReset",
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
