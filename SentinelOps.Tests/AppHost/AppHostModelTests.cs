using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelOps.Tests.AppHost;

/// <summary>
/// The seed's environment variables given to the AppHost reach the services that use them. Each test builds the
/// application model without starting anything and reads the resources and the environment they would get.
/// </summary>
public sealed class AppHostModelTests
{
    [Fact]
    public async Task ByDefault_BothProvidersAreSimulators_RedisIsStarted_AndAppEnvIsDevelopment()
    {
        await using var app = await BuildAsync();

        Assert.Contains(ResourcesOf(app), r => r.Name == "primary" && r is ProjectResource);
        Assert.Contains(ResourcesOf(app), r => r.Name == "fallback" && r is ProjectResource);
        Assert.DoesNotContain(ResourcesOf(app), r => r is ParameterResource { Name: "openai-api-key" });
        Assert.Contains(ResourcesOf(app), r => r.Name is "redis" or "redis-server" && r is ContainerResource or ExecutableResource);
        var gateway = await EnvironmentOfAsync(app, "gateway");
        Assert.Equal("development", gateway["APP_ENV"]);
        Assert.False(gateway.ContainsKey("LOG_FORMAT"), "plain text logs when running here, unless asked");
        Assert.Equal("primary", gateway["Providers__0__Name"]);
        Assert.Equal("fallback", gateway["Providers__1__Name"]);
    }

    [Fact]
    public async Task OpenAIVariables_MakePrimaryRealOpenAI_ThroughTheSecretParameter()
    {
        await using var app = await BuildAsync(
            "--OPENAI_API_KEY=sk-from-the-environment", "--OPENAI_MODEL=gpt-4.1-mini", "--OPENAI_BASE_URL=https://llm.example.com/v1");

        var parameter = Assert.Single(ResourcesOf(app).OfType<ParameterResource>(), p => p.Name == "openai-api-key");
        Assert.True(parameter.Secret);
        Assert.Equal("sk-from-the-environment", await parameter.GetValueAsync(CancellationToken.None));
        Assert.DoesNotContain(ResourcesOf(app), r => r.Name == "primary");
        foreach (var service in new[] { "gateway", "monitor" })
        {
            var env = await EnvironmentOfAsync(app, service);
            Assert.Equal("OpenAI", env["Providers__0__Kind"]);
            Assert.Equal("https://llm.example.com/v1", env["Providers__0__Endpoint"]);
            Assert.Equal("gpt-4.1-mini", env["Providers__0__Model"]);
            Assert.Equal("{openai-api-key.value}", env["Providers__0__ApiKey"]);
        }
    }

    [Fact]
    public async Task OllamaBaseUrl_MakesFallbackThatOllama_AndStartsNoSimulatorForIt()
    {
        await using var app = await BuildAsync("--OLLAMA_BASE_URL=http://gpu-box:11434", "--OLLAMA_MODEL=qwen2.5:0.5b");

        Assert.DoesNotContain(ResourcesOf(app), r => r.Name is "fallback" or "ollama");
        foreach (var service in new[] { "gateway", "monitor" })
        {
            var env = await EnvironmentOfAsync(app, service);
            Assert.Equal("Ollama", env["Providers__1__Kind"]);
            Assert.Equal("http://gpu-box:11434", env["Providers__1__Endpoint"]);
            Assert.Equal("qwen2.5:0.5b", env["Providers__1__Model"]);
        }
    }

    [Fact]
    public async Task RedisUrl_UsesThatRedis_AndStartsNone()
    {
        await using var app = await BuildAsync("--REDIS_URL=redis://:pw@cache.internal:6380/2");

        Assert.DoesNotContain(ResourcesOf(app), r => r is ContainerResource or ExecutableResource && r.Name.StartsWith("redis", StringComparison.Ordinal));
        var redis = Assert.Single(ResourcesOf(app).OfType<IResourceWithConnectionString>(), r => r.Name == "redis");
        Assert.Equal("cache.internal:6380,password=pw,defaultDatabase=2,abortConnect=false", await redis.GetConnectionStringAsync());
        foreach (var service in new[] { "gateway", "monitor" })
        {
            var env = await EnvironmentOfAsync(app, service);
            Assert.Equal("{redis.connectionString}", env["ConnectionStrings__redis"]);
        }
    }

    [Fact]
    public async Task TuningVariablesAppEnvAndLogFormat_ReachTheGatewayAndTheMonitor_StructuredSettingsWinning()
    {
        await using var app = await BuildAsync(
            "--CIRCUIT_BREAKER_FAILURE_THRESHOLD=5",
            "--Gateway:CircuitBreaker:FailureThreshold=8",
            "--CIRCUIT_BREAKER_RECOVERY_TIMEOUT=45",
            "--RATE_LIMIT_REQUESTS=20",
            "--RATE_LIMIT_WINDOW_SECONDS=10",
            "--HEALTH_CHECK_INTERVAL_SECONDS=7",
            "--APP_ENV=staging",
            "--LOG_FORMAT=json");

        var gateway = await EnvironmentOfAsync(app, "gateway");
        var monitor = await EnvironmentOfAsync(app, "monitor");

        Assert.Equal("8", gateway["Gateway__CircuitBreaker__FailureThreshold"]);
        Assert.Equal("00:00:45", gateway["Gateway__CircuitBreaker__BreakDuration"]);
        Assert.Equal("20", gateway["Gateway__RateLimit__PermitLimit"]);
        Assert.Equal("00:00:10", gateway["Gateway__RateLimit__Window"]);
        Assert.Equal("00:00:07", monitor["Monitor__HealthCheckInterval"]);
        Assert.Equal("staging", gateway["APP_ENV"]);
        Assert.Equal("staging", monitor["APP_ENV"]);
        Assert.Equal("json", gateway["LOG_FORMAT"]);
        Assert.Equal("json", monitor["LOG_FORMAT"]);
    }

    [Fact]
    public async Task GatewayReplicas_RunsThatManyGatewayProcesses_OneByDefault()
    {
        await using (var single = await BuildAsync())
        {
            Assert.False(ResourcesOf(single).Single(r => r.Name == "gateway").TryGetLastAnnotation<ReplicaAnnotation>(out _));
        }

        await using var app = await BuildAsync("--Gateway:Replicas=2");
        Assert.True(ResourcesOf(app).Single(r => r.Name == "gateway").TryGetLastAnnotation<ReplicaAnnotation>(out var replicas));
        Assert.Equal(2, replicas.Replicas);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("21")]
    [InlineData("two")]
    public async Task AGatewayReplicaCountOutOfRange_StopsTheAppHost_NamingIt(string value)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => BuildAsync($"--Gateway:Replicas={value}"));

        Assert.Contains("Gateway:Replicas", ex.ToString());
    }

    [Fact]
    public async Task AMalformedVariable_StopsTheAppHost_NamingIt()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => BuildAsync("--CIRCUIT_BREAKER_RECOVERY_TIMEOUT=soon", "--APP_ENV=qa"));

        var message = ex.ToString();
        Assert.Contains("CIRCUIT_BREAKER_RECOVERY_TIMEOUT", message);
        Assert.Contains("APP_ENV", message);
    }

    [Fact]
    public async Task OllamaContainerAskedFor_RunsIt_OrWithoutAContainerEngineStopsWithWhatToDo()
    {
        if (SentinelOps.AppHost.Containers.ContainerRuntime.IsHealthy)
        {
            await using var app = await BuildAsync("--Ollama:Mode=Container");
            var ollama = Assert.Single(ResourcesOf(app).OfType<ContainerResource>(), r => r.Name == "ollama");
            Assert.Contains(ollama.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/root/.ollama");
            Assert.DoesNotContain(ResourcesOf(app), r => r.Name == "fallback");
            return;
        }

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => BuildAsync("--Ollama:Mode=Container"));

        Assert.Contains("Ollama:Mode=Simulator", ex.ToString());
    }

    [Fact]
    public async Task TwoAppHostsInOneProcess_KeepTheirOwnRedisDataDirectories()
    {
        await using var first = await BuildAsync();
        if (ResourcesOf(first).SingleOrDefault(r => r.Name == "redis-server") is not ExecutableResource firstServer)
        {
            return; // Redis runs as a container here: no data directory of ours.
        }

        await using var second = await BuildAsync();
        var secondServer = (ExecutableResource)ResourcesOf(second).Single(r => r.Name == "redis-server");

        // Building the second must not take over or delete the first one's files (its redis-server may be running).
        Assert.NotEqual(firstServer.WorkingDirectory, secondServer.WorkingDirectory);
        Assert.True(Directory.Exists(firstServer.WorkingDirectory));
        Assert.True(Directory.Exists(secondServer.WorkingDirectory));
    }

    private static async Task<DistributedApplication> BuildAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SentinelOps_AppHost>(
            args, (options, _) => options.DisableDashboard = true, timeout.Token);
        return await builder.BuildAsync(timeout.Token);
    }

    private static IResourceCollection ResourcesOf(DistributedApplication app) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources;

    // Evaluated as for publishing: references read as expressions ({redis.connectionString}), so nothing needs to run.
    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(DistributedApplication app, string resource)
    {
        var service = (IResourceWithEnvironment)ResourcesOf(app).Single(r => r.Name == resource);
#pragma warning disable CS0618 // Superseded by ExecutionConfigurationBuilder, which resolves for running; this one reads the model as published.
        return await service.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618
    }
}
