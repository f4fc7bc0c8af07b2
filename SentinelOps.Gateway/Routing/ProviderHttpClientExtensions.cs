using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Gateway.Routing;

/// <summary>Registers the one <see cref="HttpClient"/> configuration every provider call goes out through.</summary>
internal static class ProviderHttpClientExtensions
{
    // The handler Microsoft.Extensions.ServiceDiscovery adds to every client (ConfigureHttpClientDefaults) lives here.
    private const string ServiceDiscoveryHandlerNamespace = "Microsoft.Extensions.ServiceDiscovery.Http";

    /// <summary>
    /// Adds the provider client: no retry, timeout or logging handler of its own, no service-discovery lookup, no
    /// redirects, connections recycled every two minutes; its innermost handler marks when a request has gone out.
    /// </summary>
    public static IHttpClientBuilder AddProviderHttpClient(this IServiceCollection services) =>
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it is the supported way to opt one client out of ConfigureHttpClientDefaults.
        services.AddHttpClient(ProviderChain.HttpClientName)

            // The gateway's own middleware decides retries and timeouts.
            .RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)

            // The gateway logs every provider outcome itself; the factory's two logging handlers would add a log scope,
            // two stopwatches and a header copy to every call for lines the default log levels never write.
            .RemoveAllLoggers()

            // Provider endpoints are absolute URLs from configuration (the AppHost resolves its resources' endpoints
            // before it passes them), so the per-request endpoint resolution has nothing to do.
            .ConfigureAdditionalHttpMessageHandlers(static (handlers, _) =>
            {
                for (var i = handlers.Count - 1; i >= 0; i--)
                {
                    if (handlers[i].GetType().Namespace == ServiceDiscoveryHandlerNamespace)
                    {
                        handlers.RemoveAt(i);
                    }
                }
            })
            .UseSocketsHttpHandler(static (handler, _) =>
            {
                // The clients live as long as the process, so connections are recycled to pick up DNS changes.
                handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2);

                // A redirect would send the provider key to wherever the provider (or whoever answers for it) points.
                handler.AllowAutoRedirect = false;
            })
            .AddHttpMessageHandler(static () => new ProviderRequestSentHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
}
