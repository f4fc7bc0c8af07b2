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
        .WithHttpCommand("/control/faults", "Simulate outage", endpointName: "http", commandName: "simulate-outage",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Put,
                Description = "Answer every request with 503 until restored",
                IconName = "PlugDisconnected",
                IsHighlighted = true,
                PrepareRequest = context => SetFault(context, new { mode = "error_503" }),
            })
        .WithHttpCommand("/control/faults", "Slow down", endpointName: "http", commandName: "slow-down",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Put,
                Description = "Add 5 s of latency to every request until restored",
                IconName = "Timer",
                PrepareRequest = context => SetFault(context, new { mode = "latency", latency_ms = 5000 }),
            })
        .WithHttpCommand("/control/faults", "Stall streams", endpointName: "http", commandName: "stall-streams",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Put,
                Description = "Send 2 chunks of every stream, then nothing with the connection open, until restored",
                IconName = "PauseCircle",
                PrepareRequest = context => SetFault(context, new { mode = "stall", after_chunks = 2 }),
            })
        .WithHttpCommand("/control/faults", "Cut streams", endpointName: "http", commandName: "cut-streams",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Put,
                Description = "Send 2 chunks of every stream, then drop the connection, until restored",
                IconName = "ScissorsCut",
                PrepareRequest = context => SetFault(context, new { mode = "stream_cut", after_chunks = 2 }),
            })
        .WithHttpCommand("/control/faults", "Restore", endpointName: "http", commandName: "restore",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Delete,
                Description = "Clear any injected fault",
                IconName = "PlugConnected",
                IsHighlighted = true,
            });

    private static Task SetFault(HttpCommandRequestContext context, object fault)
    {
        context.Request.Content = JsonContent.Create(fault);
        return Task.CompletedTask;
    }
}
