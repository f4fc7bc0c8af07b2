using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Shared.Configuration;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Tests.Shared.Configuration;

/// <summary>
/// The seed's environment variables set on a service reach the settings they stand for. Variables are given as
/// configuration keys, which is where a host puts environment variables, so no test touches the process environment.
/// </summary>
public sealed class SeedEnvironmentVariablesTests
{
    [Fact]
    public void CircuitBreakerVariables_SetTheGatewaysBreaker()
    {
        using var host = BuildGateway(new()
        {
            ["CIRCUIT_BREAKER_FAILURE_THRESHOLD"] = "5",
            ["CIRCUIT_BREAKER_RECOVERY_TIMEOUT"] = "45",
            ["OPENAI_API_KEY"] = "sk-test",
        });

        var breaker = host.Services.GetRequiredService<IOptions<CircuitBreakerOptions>>().Value;

        Assert.Equal(5, breaker.FailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(45), breaker.BreakDuration);
    }

    [Fact]
    public void UnsetVariables_LeaveTheSeedsDefaults()
    {
        using var host = BuildGateway(new() { ["OPENAI_API_KEY"] = "sk-test" });

        var breaker = host.Services.GetRequiredService<IOptions<CircuitBreakerOptions>>().Value;
        var configuration = host.Services.GetRequiredService<IConfiguration>();

        Assert.Equal(3, breaker.FailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(30), breaker.BreakDuration);
        Assert.Equal("localhost:6379,defaultDatabase=0,abortConnect=false", configuration.GetConnectionString("redis"));
        Assert.Same(AppEnvironment.Production, AppEnvironment.From(configuration));
    }

    [Theory]
    [InlineData("HEALTH_CHECK_INTERVAL_SECONDS", "7", "Monitor:HealthCheckInterval", "00:00:07")]
    [InlineData("RATE_LIMIT_REQUESTS", "20", "Gateway:RateLimit:PermitLimit", "20")]
    [InlineData("RATE_LIMIT_WINDOW_SECONDS", "10", "Gateway:RateLimit:Window", "00:00:10")]
    [InlineData("RATE_LIMIT_WINDOW_SECONDS", "1.5", "Gateway:RateLimit:Window", "00:00:01.5000000")]
    [InlineData("REDIS_URL", "redis://:pw@cache:6380/1", "ConnectionStrings:redis", "cache:6380,password=pw,defaultDatabase=1,abortConnect=false")]
    public void ATuningVariable_SetsItsStructuredKey(string variable, string value, string key, string expected)
    {
        var settings = SeedEnvironmentVariables.ForService(Configuration(new() { [variable] = value }));

        Assert.Equal(expected, settings[key]);
    }

    [Fact]
    public void AppEnv_ReachesTheServicesConfiguration()
    {
        using var host = BuildGateway(new() { ["APP_ENV"] = "development", ["OPENAI_API_KEY"] = "sk-test" });

        Assert.True(AppEnvironment.From(host.Services.GetRequiredService<IConfiguration>()).IsDevelopment);
    }

    [Fact]
    public void OpenAIKeyAlone_GivesTheSeedsChain_OpenAIThenOllamaAtTheirDefaults()
    {
        using var host = BuildGateway(new() { ["OPENAI_API_KEY"] = "sk-test" });

        var chain = host.Services.GetRequiredService<IOptions<ProvidersOptions>>().Value.InPriorityOrder.ToList();

        Assert.Collection(
            chain,
            openai =>
            {
                Assert.Equal(("openai", ProviderKind.OpenAI, "gpt-4o-mini", "sk-test"), (openai.Name, openai.Kind, openai.Model, openai.ApiKey));
                Assert.Equal(new Uri("https://api.openai.com/v1"), openai.Endpoint);
            },
            ollama =>
            {
                Assert.Equal(("ollama", ProviderKind.Ollama, "llama3.2", null), (ollama.Name, ollama.Kind, ollama.Model, ollama.ApiKey));
                Assert.Equal(new Uri("http://localhost:11434"), ollama.Endpoint);
            });
    }

    [Fact]
    public void ModelAndUrlVariables_ShapeTheSeedsChain()
    {
        using var host = BuildGateway(new()
        {
            ["OPENAI_API_KEY"] = "sk-test",
            ["OPENAI_MODEL"] = "gpt-4.1-nano",
            ["OPENAI_BASE_URL"] = "https://llm.example.com/v1",
            ["OLLAMA_BASE_URL"] = "http://gpu-box:11434",
            ["OLLAMA_MODEL"] = "qwen2.5:0.5b",
        });

        var chain = host.Services.GetRequiredService<IOptions<ProvidersOptions>>().Value.InPriorityOrder.ToList();

        Assert.Equal(["openai", "ollama"], chain.Select(p => p.Name));
        Assert.Equal("gpt-4.1-nano", chain[0].Model);
        Assert.Equal(new Uri("https://llm.example.com/v1"), chain[0].Endpoint);
        Assert.Equal("qwen2.5:0.5b", chain[1].Model);
        Assert.Equal(new Uri("http://gpu-box:11434"), chain[1].Endpoint);
    }

    [Fact]
    public void OllamaUrlAlone_GivesAnOllamaOnlyChain()
    {
        using var host = BuildGateway(new() { ["OLLAMA_BASE_URL"] = "http://gpu-box:11434" });

        var provider = Assert.Single(host.Services.GetRequiredService<IOptions<ProvidersOptions>>().Value.Providers);

        Assert.Equal(("ollama", ProviderKind.Ollama, "llama3.2"), (provider.Name, provider.Kind, provider.Model));
    }

    [Fact]
    public void WithProvidersConfigured_OpenAIKey_GoesOnlyToKeylessProvidersAtOpenAI()
    {
        var settings = SeedEnvironmentVariables.ForService(Configuration(new()
        {
            ["OPENAI_API_KEY"] = "sk-test",
            ["OLLAMA_BASE_URL"] = "http://ignored:11434",
            ["Providers:0:Name"] = "primary",
            ["Providers:0:Kind"] = "openai",
            ["Providers:0:Endpoint"] = "https://api.openai.com/v1",
            ["Providers:0:Model"] = "gpt-4o-mini",
            ["Providers:1:Name"] = "simulated",
            ["Providers:1:Kind"] = "OpenAI",
            ["Providers:1:Endpoint"] = "http://localhost:8101/v1",
            ["Providers:1:Model"] = "sim",
            ["Providers:2:Name"] = "own-key",
            ["Providers:2:Endpoint"] = "https://api.openai.com/v1",
            ["Providers:2:Model"] = "gpt-4o",
            ["Providers:2:ApiKey"] = "sk-own",
        }));

        Assert.Equal("sk-test", settings["Providers:0:ApiKey"]);
        Assert.DoesNotContain(settings.Keys, key => key.StartsWith("Providers:1", StringComparison.Ordinal) || key.StartsWith("Providers:2", StringComparison.Ordinal));
        Assert.DoesNotContain(settings.Keys, key => key.StartsWith("Providers:3", StringComparison.Ordinal));
    }

    [Fact]
    public void AStructuredSetting_WinsOverItsSeedVariable()
    {
        using var host = BuildGateway(new()
        {
            ["CIRCUIT_BREAKER_FAILURE_THRESHOLD"] = "5",
            ["Gateway:CircuitBreaker:FailureThreshold"] = "7",
            ["REDIS_URL"] = "redis://seed:6379",
            ["ConnectionStrings:redis"] = "structured:6379",
            ["OPENAI_API_KEY"] = "sk-test",
        });

        Assert.Equal(7, host.Services.GetRequiredService<IOptions<CircuitBreakerOptions>>().Value.FailureThreshold);
        Assert.Equal("structured:6379", host.Services.GetRequiredService<IConfiguration>().GetConnectionString("redis"));
    }

    [Fact]
    public void MalformedVariables_StopStartUp_NamingEach_WithoutRepeatingSecrets()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => BuildGateway(new()
        {
            ["CIRCUIT_BREAKER_FAILURE_THRESHOLD"] = "three",
            ["CIRCUIT_BREAKER_RECOVERY_TIMEOUT"] = "0",
            ["HEALTH_CHECK_INTERVAL_SECONDS"] = "15s",
            ["RATE_LIMIT_REQUESTS"] = "-1",
            ["RATE_LIMIT_WINDOW_SECONDS"] = "a minute",
            ["REDIS_URL"] = "redis://:hunter2@cache:6379/db",
            ["OLLAMA_BASE_URL"] = "gpu-box:11434",
            ["APP_ENV"] = "prod",
        }));

        foreach (var variable in new[]
        {
            "CIRCUIT_BREAKER_FAILURE_THRESHOLD", "CIRCUIT_BREAKER_RECOVERY_TIMEOUT", "HEALTH_CHECK_INTERVAL_SECONDS",
            "RATE_LIMIT_REQUESTS", "RATE_LIMIT_WINDOW_SECONDS", "REDIS_URL", "OLLAMA_BASE_URL", "APP_ENV",
        })
        {
            Assert.Contains(variable, ex.Message);
        }

        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Fact]
    public void EmptyVariables_CountAsUnset()
    {
        var settings = SeedEnvironmentVariables.ForService(Configuration(new()
        {
            ["CIRCUIT_BREAKER_FAILURE_THRESHOLD"] = "",
            ["OPENAI_API_KEY"] = " ",
            ["APP_ENV"] = "",
        }));

        Assert.Equal([SeedEnvironmentVariables.RedisConnectionStringKey], settings.Keys);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    // The gateway's own registration over an empty host, so the machine's real environment cannot leak in.
    private static IHost BuildGateway(Dictionary<string, string?> values)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(values);
        builder.AddSeedEnvironmentVariables();
        builder.AddApplicationServices();
        return builder.Build();
    }
}
