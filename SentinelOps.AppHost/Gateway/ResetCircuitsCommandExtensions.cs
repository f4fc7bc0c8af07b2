namespace SentinelOps.AppHost.Gateway;

/// <summary>The gateway's "Reset circuits" dashboard command.</summary>
internal static class ResetCircuitsCommandExtensions
{
    /// <summary>
    /// Adds a dashboard button that closes every provider circuit through <c>POST /api/providers/circuits/reset</c>:
    /// after a provider is mended, traffic returns to it at once instead of at the end of its break.
    /// </summary>
    /// <param name="gateway">The gateway resource.</param>
    /// <param name="apiKey">The gateway's client key (it holds the admin scope), when client keys are configured.</param>
    public static IResourceBuilder<ProjectResource> WithResetCircuitsCommand(this IResourceBuilder<ProjectResource> gateway, string? apiKey) =>
        gateway.WithHttpCommand("/api/providers/circuits/reset", "Reset circuits", endpointName: "http", commandName: "reset-circuits",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Close every provider's circuit and forget its past failures",
                IconName = "ArrowReset",
                IsHighlighted = true,
                PrepareRequest = context =>
                {
                    if (!string.IsNullOrEmpty(apiKey))
                    {
                        context.Request.Headers.Add("x-api-key", apiKey);
                    }

                    return Task.CompletedTask;
                },
            });
}
