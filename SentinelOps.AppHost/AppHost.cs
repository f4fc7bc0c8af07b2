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

var gateway = builder.AddProject<Projects.SentinelOps_Gateway>("gateway", launchProfileName: null)
    .WithHttpEndpoint(port: 8000, name: "http")
    .WithExternalHttpEndpoints()
    .WithRedis(redis)
    .WithProviders(providers)
    .WithConfigurationSection(builder.Configuration.GetSection("Gateway"))
    .WithConfigurationSection(builder.Configuration.GetSection("Monitor"))
    .WithAppEnvironment()
    .WithLogFormat()
    .WithProbeAllCommand()
    .WithHttpHealthCheck("/health");

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
