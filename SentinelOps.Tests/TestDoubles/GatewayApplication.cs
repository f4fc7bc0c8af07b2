using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SentinelOps.Gateway.Routing;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// The real gateway application (its Program, middleware and endpoints) on ASP.NET Core's test server, with a provider
/// chain given by the test. Any gateway type names the assembly: the simulator has a <c>Program</c> too.
/// </summary>
internal sealed class GatewayApplication(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<ProviderChain>
{
    /// <summary>Two providers: <c>primary</c> a simulator whose control API is at <paramref name="primaryControl"/>, <c>fallback</c> a real provider.</summary>
    public static GatewayApplication WithProviders(
        Uri primaryEndpoint, Uri? primaryControl, Uri fallbackEndpoint, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(new Dictionary<string, string?>(Defaults(primaryEndpoint, primaryControl, fallbackEndpoint).Concat(settings ?? new Dictionary<string, string?>())));

    private static Dictionary<string, string?> Defaults(Uri primaryEndpoint, Uri? primaryControl, Uri fallbackEndpoint) => new()
    {
        ["APP_ENV"] = "development",
        ["Providers:0:Name"] = "primary",
        ["Providers:0:Kind"] = "OpenAI",
        ["Providers:0:Endpoint"] = primaryEndpoint.ToString(),
        ["Providers:0:Model"] = "sim-gpt-4o-mini",
        ["Providers:0:ControlEndpoint"] = primaryControl?.ToString(),
        ["Providers:1:Name"] = "fallback",
        ["Providers:1:Kind"] = "Ollama",
        ["Providers:1:Endpoint"] = fallbackEndpoint.ToString(),
        ["Providers:1:Model"] = "llama3.2:1b",
        ["Providers:1:Priority"] = "1",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
