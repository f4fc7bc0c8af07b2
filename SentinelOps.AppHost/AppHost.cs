using SentinelOps.AppHost;
using SentinelOps.AppHost.Gateway;
using SentinelOps.AppHost.Providers;
using SentinelOps.AppHost.Redis;
using SentinelOps.AppHost.Simulators;

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddSentinelRedis("redis");
if (redis is null)
{
    Console.Error.WriteLine(SentinelRedisBuilderExtensions.NotFoundMessage);
    return 1;
}

var providers = new List<ProviderEntry>();
var simulators = new List<IResourceBuilder<ProjectResource>>();

// primary: OpenAI itself once a key is configured (Parameters:openai-api-key), else a simulator speaking OpenAI's protocol.
if (!string.IsNullOrEmpty(builder.Configuration["Parameters:openai-api-key"]))
{
    var endpoint = builder.Configuration["OpenAI:Endpoint"] ?? "https://api.openai.com/v1";
    providers.Add(new("primary", "OpenAI", ReferenceExpression.Create($"{endpoint}"),
        builder.Configuration["OpenAI:Model"] ?? "gpt-4o-mini", builder.AddParameter("openai-api-key", secret: true)));
}
else
{
    var primary = builder.AddSimulator("primary", "OpenAI", port: 8101, model: "sim-gpt-4o-mini");
    simulators.Add(primary);
    providers.Add(new("primary", "OpenAI", ReferenceExpression.Create($"{primary.GetEndpoint("http")}/v1"), "sim-gpt-4o-mini",
        ControlEndpoint: ReferenceExpression.Create($"{primary.GetEndpoint("http")}")));
}

// fallback: an Ollama server given by Ollama:Endpoint, else a simulator speaking Ollama's protocol.
if (builder.Configuration["Ollama:Endpoint"] is { Length: > 0 } ollamaEndpoint)
{
    providers.Add(new("fallback", "Ollama", ReferenceExpression.Create($"{ollamaEndpoint}"), builder.Configuration["Ollama:Model"] ?? "llama3.2:1b"));
}
else
{
    var fallback = builder.AddSimulator("fallback", "Ollama", port: 8102, model: "llama3.2:1b");
    simulators.Add(fallback);
    providers.Add(new("fallback", "Ollama", ReferenceExpression.Create($"{fallback.GetEndpoint("http")}"), "llama3.2:1b",
        ControlEndpoint: ReferenceExpression.Create($"{fallback.GetEndpoint("http")}")));
}

// A client key from a secret parameter (Parameters:gateway-api-key): the gateway hashes it at start and keeps only the hash.
var gatewayKey = string.IsNullOrEmpty(builder.Configuration["Parameters:gateway-api-key"]) ? null : builder.AddParameter("gateway-api-key", secret: true);

var gateway = builder.AddProject<Projects.SentinelOps_Gateway>("gateway", launchProfileName: null)
    .WithHttpEndpoint(port: 8000, name: "http")
    .WithExternalHttpEndpoints()
    .WithRedis(redis)
    .WithProviders(providers)
    .WithConfigurationSection(builder.Configuration.GetSection("Gateway"))
    .WithConfigurationSection(builder.Configuration.GetSection("Monitor"))
    .WithProbeAllCommand(gatewayKey)
    .WithResetCircuitsCommand(gatewayKey)
    .WithEnvironment("APP_ENV", builder.Configuration["APP_ENV"] ?? (builder.ExecutionContext.IsRunMode ? "development" : "production"))
    .WithHttpHealthCheck("/health");

if (gatewayKey is not null)
{
    gateway.WithEnvironment("Gateway__Auth__Keys__0__Name", "default")
        .WithEnvironment("Gateway__Auth__Keys__0__Key", gatewayKey)
        .WithEnvironment("Gateway__Auth__Keys__0__Scopes__0", "chat")
        .WithEnvironment("Gateway__Auth__Keys__0__Scopes__1", "admin");
}

var monitor = builder.AddProject<Projects.SentinelOps_Monitor>("monitor", launchProfileName: null)
    .WithHttpEndpoint(name: "http")
    .WithRedis(redis)
    .WithProviders(providers)
    .WithConfigurationSection(builder.Configuration.GetSection("Monitor"))
    .WithHttpHealthCheck("/health");

foreach (var simulator in simulators)
{
    gateway.WaitFor(simulator);
    monitor.WaitFor(simulator);
}

builder.Build().Run();
return 0;
