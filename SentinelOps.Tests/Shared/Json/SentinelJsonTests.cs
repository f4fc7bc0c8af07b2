using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Shared.Json;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Tests.Shared.Json;

/// <summary>One naming rule: lowercase snake_case enum values, provider kinds as the seed writes them.</summary>
public sealed class SentinelJsonTests
{
    [Theory]
    [InlineData(CircuitState.Closed, "closed")]
    [InlineData(CircuitState.Open, "open")]
    [InlineData(CircuitState.HalfOpen, "half_open")]
    [InlineData(CircuitState.Isolated, "isolated")]
    public void CircuitStates_AreLowercaseSnakeCase(CircuitState state, string expected) =>
        Assert.Equal($"\"{expected}\"", JsonSerializer.Serialize(state, SentinelJson.Options));

    [Theory]
    [InlineData(ProviderKind.OpenAI, "openai")]
    [InlineData(ProviderKind.Ollama, "ollama")]
    public void ProviderKinds_AreWrittenAsTheSeedNamesThem_AndReadBack(ProviderKind kind, string expected)
    {
        Assert.Equal($"\"{expected}\"", JsonSerializer.Serialize(kind, SentinelJson.Options));
        Assert.Equal(kind, JsonSerializer.Deserialize<ProviderKind>($"\"{expected}\"", SentinelJson.Options));
    }

    [Theory]
    [InlineData("OpenAI", ProviderKind.OpenAI)]
    [InlineData("openai", ProviderKind.OpenAI)]
    [InlineData("Ollama", ProviderKind.Ollama)]
    [InlineData("ollama", ProviderKind.Ollama)]
    public void ConfigurationBinding_AcceptsEitherSpelling(string value, ProviderKind expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kind"] = value })
            .Build();

        Assert.Equal(expected, configuration.Get<ProviderOptions>()!.Kind);
    }
}
