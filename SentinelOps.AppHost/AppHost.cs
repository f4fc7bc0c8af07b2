using SentinelOps.AppHost;
using SentinelOps.AppHost.Configuration;
using SentinelOps.AppHost.Gateway;
using SentinelOps.AppHost.Providers;
using SentinelOps.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);
builder.AddSeedEnvironmentVariables();

var redis = builder.AddSentinelRedis("redis");
if (redis is null)
{
    Console.Error.WriteLine(SentinelRedisBuilderExtensions.NotFoundMessage);
    return 1;
}

// primary (OpenAI's protocol), then fallback (Ollama's): real services or simulators, by configuration (see ProviderPlan).
var providers = builder.AddProviderChain();

// A client key from a secret parameter (Parameters:gateway-api-key): the gateway hashes it at start and keeps only the hash.
// A deployment always has one: APP_ENV=production refuses to run without client keys.
var gatewayKey = builder.ExecutionContext.IsPublishMode || !string.IsNullOrEmpty(builder.Configuration["Parameters:gateway-api-key"])
    ? builder.AddParameter("gateway-api-key", secret: true)
    : null;

var gateway = builder.AddProject<Projects.SentinelOps_Gateway>("gateway", launchProfileName: null)
    .WithHttpEndpoint(port: 8000, name: "http")
    .WithExternalHttpEndpoints()
    .WithRedis(redis)
    .WithProviders(providers)
    .WithConfigurationSection(builder.Configuration.GetSection("Gateway"))
    .WithConfigurationSection(builder.Configuration.GetSection("Monitor"))
    .WithAppEnvironment()
    .WithLogFormat()
    .WithProbeAllCommand(gatewayKey)
    .WithResetCircuitsCommand(gatewayKey)
    .WithHttpHealthCheck("/health")
    .WithReplicasFromConfiguration(builder.Configuration);

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
    .WithAppEnvironment()
    .WithLogFormat()
    .WithHttpHealthCheck("/health");

builder.Build().Run();
return 0;
