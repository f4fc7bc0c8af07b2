using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Operator.OpenApi;

namespace SentinelOps.Gateway.Operator;

/// <summary>Registers what operators use: the OpenAPI document, the fault-control client and the status page.</summary>
internal static class OperatorExtensions
{
    public static IHostApplicationBuilder AddOperatorServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<GatewayDocumentTransformer>();
            options.AddOperationTransformer<OperationDocsTransformer>();
        });

        // A simulator answers at once or is down: no retries (an operator sees the failure and can press again), and a
        // short timeout keeps a dead one from holding the button.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it is the supported way to opt one client out of ConfigureHttpClientDefaults.
        builder.Services.AddHttpClient(FaultsApi.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    /// <summary>Serves the status page (<c>wwwroot</c>) at <c>/</c>, open to all (before client security).</summary>
    public static WebApplication UseStatusPage(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // The page is small and changes with the gateway: always revalidate rather than serve a stale script.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
