using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SentinelOps.AppHost.Configuration;
using SentinelOps.AppHost.Containers;

namespace SentinelOps.AppHost.Ollama;

/// <summary>Adds the <c>ollama/ollama</c> container with its model, without the CommunityToolkit package.</summary>
internal static class OllamaBuilderExtensions
{
    /// <summary>The image.</summary>
    public const string Image = "ollama/ollama";

    /// <summary>The image tag unless <c>Ollama:ImageTag</c> says otherwise: pinned, so a deployment is repeatable.</summary>
    public const string DefaultTag = "0.11.10";

    /// <summary>The named volume that keeps pulled models across restarts and redeployments.</summary>
    public const string ModelVolume = "sentinel-ops-ollama";

    /// <summary>Where Ollama keeps its models inside the container.</summary>
    public const string ModelDirectory = "/root/.ollama";

    /// <summary>Ollama's port inside the container.</summary>
    public const int Port = 11434;

    // Deployed, no AppHost is there to pull the model: the container serves, pulls its model once the server answers
    // (a no-op when the volume has it), and keeps serving. The pull's output goes to the container's log.
    internal const string ServeAndPullScript =
        "ollama serve & server=$!; " +
        "until ollama list >/dev/null 2>&1; do sleep 1; done; " +
        "ollama pull \"$OLLAMA_MODEL\" || echo \"could not pull $OLLAMA_MODEL; serving without it\"; " +
        "wait $server";

    /// <summary>Adds Ollama serving <paramref name="model"/>, pulled on start, healthy once the model is present.</summary>
    /// <exception cref="InvalidOperationException">Running here without a container engine.</exception>
    public static IResourceBuilder<ContainerResource> AddOllama(this IDistributedApplicationBuilder builder, string name, string model)
    {
        if (builder.ExecutionContext.IsRunMode && !ContainerRuntime.IsHealthy)
        {
            throw new InvalidOperationException(
                $"The Ollama container needs Docker or Podman running. Start one, or point {AppHostSettings.OllamaEndpoint} (OLLAMA_BASE_URL) " +
                $"at an Ollama server, or set {AppHostSettings.OllamaMode}=Simulator.");
        }

        var ollama = builder.AddContainer(name, Image, builder.Configuration[AppHostSettings.OllamaImageTag] ?? DefaultTag)
            .WithImageRegistry("docker.io")
            .WithHttpEndpoint(targetPort: Port, name: "http")
            .WithVolume(ModelVolume, ModelDirectory)
            .WithEnvironment("OLLAMA_MODEL", model);

        return builder.ExecutionContext.IsPublishMode
            ? ollama.WithEntrypoint("/bin/sh").WithArgs("-c", ServeAndPullScript)
            : ollama.WithModelPulledByTheAppHost(model);
    }

    // Running here, the AppHost pulls through Ollama's API, so the progress reads as log lines on the resource, and the
    // resource is healthy (consumers start) once the model is present.
    private static IResourceBuilder<ContainerResource> WithModelPulledByTheAppHost(this IResourceBuilder<ContainerResource> ollama, string model)
    {
        var status = new OllamaModelStatus();
        var endpoint = ollama.GetEndpoint("http");
        var healthCheck = $"{ollama.Resource.Name}-model";
        ollama.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck,
            _ => new OllamaModelHealthCheck(() => endpoint.IsAllocated ? new Uri(endpoint.Url) : null, model, status),
            failureStatus: null,
            tags: null));
        ollama.WithHealthCheck(healthCheck);

        ollama.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(ollama.Resource, (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(@event.Resource);
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => PullWhenAddressedAsync(endpoint, model, status, logger, stopping), stopping);
            return Task.CompletedTask;
        });

        return ollama;
    }

    private static async Task PullWhenAddressedAsync(
        EndpointReference endpoint, string model, OllamaModelStatus status, Microsoft.Extensions.Logging.ILogger logger, CancellationToken stopping)
    {
        var url = await endpoint.GetValueAsync(stopping) ?? throw new InvalidOperationException("The Ollama container has no HTTP endpoint.");
        await OllamaModelPuller.PullAsync(new Uri(url), model, status, logger, TimeProvider.System, stopping);
    }
}
