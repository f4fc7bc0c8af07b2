using Microsoft.Extensions.Configuration;
using SentinelOps.AppHost.Providers;

namespace SentinelOps.Tests.AppHost.Providers;

/// <summary>Offline simulators by default when running; the real system when publishing; explicit settings win either way.</summary>
public sealed class ProviderPlanTests
{
    [Theory]
    [InlineData(false, "Simulator", "Simulator")]
    [InlineData(true, "OpenAI", "OllamaContainer")]
    public void NothingConfigured(bool publishing, string primary, string fallback) =>
        Assert.Equal(new ProviderPlan(Enum.Parse<PrimaryProvider>(primary), Enum.Parse<FallbackProvider>(fallback)), Plan(publishing));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnOpenAIKey_MakesPrimaryOpenAI(bool publishing) =>
        Assert.Equal(PrimaryProvider.OpenAI, Plan(publishing, ("Parameters:openai-api-key", "sk-test"), ("Simulators:Enabled", "true")).Primary);

    [Theory]
    [InlineData(false, "Container")]
    [InlineData(true, "Auto")]
    [InlineData(true, "Simulator")]
    public void AnOllamaEndpoint_MakesFallbackThatServer_WhateverTheMode(bool publishing, string mode) =>
        Assert.Equal(FallbackProvider.ExternalOllama, Plan(publishing, ("Ollama:Endpoint", "http://gpu-box:11434"), ("Ollama:Mode", mode)).Fallback);

    [Fact]
    public void OllamaModeContainer_AsksForTheContainerWhenRunning() =>
        Assert.Equal(new ProviderPlan(PrimaryProvider.Simulator, FallbackProvider.OllamaContainer), Plan(false, ("Ollama:Mode", "Container")));

    [Fact]
    public void SimulatorsAskedFor_AreDeployedWhenPublishing() =>
        Assert.Equal(new ProviderPlan(PrimaryProvider.Simulator, FallbackProvider.Simulator), Plan(true, ("Simulators:Enabled", "true")));

    [Fact]
    public void SimulatorsSwitchedOff_RunTheRealSystemHere() =>
        Assert.Equal(new ProviderPlan(PrimaryProvider.OpenAI, FallbackProvider.OllamaContainer), Plan(false, ("Simulators:Enabled", "false")));

    [Fact]
    public void OllamaModeSimulator_KeepsTheSimulatorWhenPublishing() =>
        Assert.Equal(FallbackProvider.Simulator, Plan(true, ("Ollama:Mode", "simulator")).Fallback);

    private static ProviderPlan Plan(bool publishing, params (string Key, string Value)[] settings) =>
        ProviderPlan.From(
            new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build(),
            publishing);
}
