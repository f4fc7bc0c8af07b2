using Microsoft.Extensions.Diagnostics.HealthChecks;
using OllamaSharp;

namespace SentinelOps.AppHost.Ollama;

/// <summary>Healthy once the Ollama server lists the model, so consumers wait for the pull, not only for the process.</summary>
/// <param name="endpoint">The server's address, once known.</param>
/// <param name="model">The model that must be present.</param>
/// <param name="status">The pull's progress, shown while the model is missing.</param>
internal sealed class OllamaModelHealthCheck(Func<Uri?> endpoint, string model, OllamaModelStatus status) : IHealthCheck
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    // Checks run every few seconds for the life of the AppHost: share the connections.
    private static readonly SocketsHttpHandler Handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (endpoint() is not { } address)
        {
            return HealthCheckResult.Unhealthy("Ollama has no address yet");
        }

        using var http = new HttpClient(Handler, disposeHandler: false) { BaseAddress = address, Timeout = RequestTimeout };
        using var client = new OllamaApiClient(http, model);
        try
        {
            var models = await client.ListLocalModelsAsync(cancellationToken);
            return models.Any(m => OllamaModelNames.Match(m.Name, model))
                ? HealthCheckResult.Healthy($"{model} is ready")
                : HealthCheckResult.Unhealthy($"{model} is not there yet ({status.Description})");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return HealthCheckResult.Unhealthy($"Ollama is not answering yet ({status.Description})");
        }
    }
}
