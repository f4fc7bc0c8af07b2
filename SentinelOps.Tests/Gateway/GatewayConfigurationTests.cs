using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Tests.Gateway;

/// <summary>Invalid settings stop the gateway at start, with a message that names the setting.</summary>
public sealed class GatewayConfigurationTests
{
    private static readonly Dictionary<string, string?> ValidProviders = new()
    {
        ["Providers:0:Name"] = "primary",
        ["Providers:0:Kind"] = "OpenAI",
        ["Providers:0:Endpoint"] = "http://127.0.0.1:9/v1",
        ["Providers:0:Model"] = "m",
    };

    [Theory]
    [InlineData("Gateway:CircuitBreaker:FailureThreshold", "0")]
    [InlineData("Gateway:CircuitBreaker:BreakDuration", "00:00:00")]
    [InlineData("Gateway:Retry:MaxRetryAttempts", "-1")]
    [InlineData("Gateway:Retry:MaxDelay", "01:00:00")]
    [InlineData("Gateway:Timeouts:TimeToFirstToken", "00:00:00")]
    [InlineData("Gateway:Timeouts:Attempt", "02:00:00")]
    [InlineData("Gateway:RequestTimeout", "00:00:00")]
    [InlineData("Gateway:SlowCalls:ThresholdMultiplier", "0.5")]
    [InlineData("Gateway:SlowCalls:MinThreshold", "00:00:00")]
    [InlineData("Gateway:SlowCalls:MaxThreshold", "01:00:00")]
    [InlineData("Gateway:SlowCalls:SlowCallRatio", "0")]
    [InlineData("Gateway:SlowCalls:MaxTrialsWhileStalled", "0")]
    [InlineData("Gateway:SlowCalls:InterChunkMultiplier", "0.5")]
    [InlineData("Gateway:SlowCalls:InterChunkMinLimit", "00:00:00")]
    [InlineData("Gateway:SlowCalls:InterChunkMaxLimit", "01:00:00")]
    [InlineData("Gateway:Hedging:Delay", "00:00:00")]
    [InlineData("Gateway:Hedging:InitialDelay", "01:00:00")]
    [InlineData("Gateway:Hedging:BudgetPercent", "101")]
    [InlineData("Gateway:Hedging:BudgetPercent", "-1")]
    public async Task AnOutOfRangeSetting_StopsStartUp_NamingIt(string key, string value)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new(ValidProviders) { [key] = value }));

        Assert.Contains(key, ex.Message);
    }

    [Fact]
    public async Task ASlowCallFloorAboveItsCeiling_StopsStartUp_NamingBoth()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new(ValidProviders)
        {
            ["Gateway:SlowCalls:MinThreshold"] = "00:00:20",
            ["Gateway:SlowCalls:MaxThreshold"] = "00:00:10",
        }));

        Assert.Contains("Gateway:SlowCalls:MinThreshold", ex.Message);
        Assert.Contains("Gateway:SlowCalls:MaxThreshold", ex.Message);
    }

    [Fact]
    public async Task AnInterChunkFloorAboveItsCeiling_StopsStartUp_NamingBoth()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new(ValidProviders)
        {
            ["Gateway:SlowCalls:InterChunkMinLimit"] = "00:00:20",
        }));

        Assert.Contains("Gateway:SlowCalls:InterChunkMinLimit", ex.Message);
        Assert.Contains("Gateway:SlowCalls:InterChunkMaxLimit", ex.Message);
    }

    [Fact]
    public async Task AHedgingFloorAboveItsInitialDelay_StopsStartUp_NamingBoth()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new(ValidProviders)
        {
            ["Gateway:Hedging:MinDelay"] = "00:00:02",
        }));

        Assert.Contains("Gateway:Hedging:MinDelay", ex.Message);
        Assert.Contains("Gateway:Hedging:InitialDelay", ex.Message);
    }

    [Theory]
    [InlineData("Providers:0:Endpoint", "localhost:8101", "Providers:0:Endpoint")]
    [InlineData("Providers:0:Endpoint", "ftp://example.com", "Providers:0:Endpoint")]
    [InlineData("Providers:0:Name", "Has Spaces", "Providers:0")]
    [InlineData("Providers:0:Model", "", "Providers:0")]
    public async Task ABadProvider_StopsStartUp_NamingIt(string key, string value, string named)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new(ValidProviders) { [key] = value }));

        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public async Task NoProviders_StopsStartUp_SayingHowToConfigureThem()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync([]));

        Assert.Contains("Providers__0__Name", ex.Message);
    }

    [Fact]
    public async Task DuplicateProviderNames_StopStartUp()
    {
        var settings = new Dictionary<string, string?>(ValidProviders)
        {
            ["Providers:1:Name"] = "primary",
            ["Providers:1:Kind"] = "Ollama",
            ["Providers:1:Endpoint"] = "http://127.0.0.1:9",
            ["Providers:1:Model"] = "m",
        };

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        Assert.Contains("'primary' is used more than once", ex.Message);
    }

    [Fact]
    public async Task ValidSettings_Start()
    {
        using var host = await StartAsync(new(ValidProviders));

        Assert.NotNull(host);
    }

    private static async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddApplicationServices();
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            await host.StopAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
