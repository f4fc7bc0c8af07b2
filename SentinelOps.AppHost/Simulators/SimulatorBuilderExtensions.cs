using System.Net.Http.Json;

namespace SentinelOps.AppHost.Simulators;

/// <summary>Adds simulated providers, with dashboard commands that inject faults into them.</summary>
internal static class SimulatorBuilderExtensions
{
    /// <summary>Adds a simulator speaking <paramref name="protocol"/> (<c>OpenAI</c> or <c>Ollama</c>) on a fixed port, serving <paramref name="model"/>.</summary>
    public static IResourceBuilder<ProjectResource> AddSimulator(
        this IDistributedApplicationBuilder builder, string name, string protocol, int port, string model)
    {
        return builder.AddProject<Projects.SentinelOps_Simulator>(name, launchProfileName: null)
            .WithHttpEndpoint(port: port, name: "http")
            .WithEnvironment("Simulator__Name", name)
            .WithEnvironment("Simulator__Protocol", protocol)
            .WithEnvironment("Simulator__Model", model)
            .WithEnvironment("Simulator__ChunkDelay", builder.Configuration["Simulator:ChunkDelay"] ?? "00:00:00.020")
            .WithHttpHealthCheck("/health")
            .WithFaultCommands();
    }

    /// <summary>Dashboard buttons: simulate an outage, slow the provider down, stall or cut its streams, restore it.</summary>
    private static IResourceBuilder<ProjectResource> WithFaultCommands(this IResourceBuilder<ProjectResource> simulator) => simulator
        .WithFaultCommand("simulate-outage", "Simulate outage", "Answer every request with 503 until restored", "PlugDisconnected",
            new { mode = "error_503" }, highlighted: true)
        .WithFaultCommand("slow-down", "Slow down", "Add 5 s of latency to every request until restored", "Timer",
            new { mode = "latency", latency_ms = 5000 })
        .WithFaultCommand("stall-streams", "Stall streams", "Send 2 chunks of every stream, then nothing with the connection open, until restored", "PauseCircle",
            new { mode = "stall", after_chunks = 2 })
        .WithFaultCommand("cut-streams", "Cut streams", "Send 2 chunks of every stream, then drop the connection, until restored", "ScissorsCut",
            new { mode = "stream_cut", after_chunks = 2 })
        .WithHttpCommand("/control/faults", "Restore", endpointName: "http", commandName: "restore",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Delete,
                Description = "Clear any injected fault",
                IconName = "PlugConnected",
                IsHighlighted = true,
            });

    // One button that PUTs fault to the simulator's control API.
    private static IResourceBuilder<ProjectResource> WithFaultCommand(
        this IResourceBuilder<ProjectResource> simulator, string name, string displayName, string description, string icon, object fault, bool highlighted = false) =>
        simulator.WithHttpCommand("/control/faults", displayName, endpointName: "http", commandName: name,
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Put,
                Description = description,
                IconName = icon,
                IsHighlighted = highlighted,
                PrepareRequest = context => SetFault(context, fault),
            });

    private static Task SetFault(HttpCommandRequestContext context, object fault)
    {
        context.Request.Content = JsonContent.Create(fault);
        return Task.CompletedTask;
    }
}
