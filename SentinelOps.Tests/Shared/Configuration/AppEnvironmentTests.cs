using Microsoft.Extensions.Configuration;
using SentinelOps.Shared.Configuration;

namespace SentinelOps.Tests.Shared.Configuration;

/// <summary>APP_ENV: three names, production when unset, anything else a start-up error.</summary>
public sealed class AppEnvironmentTests
{
    [Theory]
    [InlineData(null, "production")]
    [InlineData("", "production")]
    [InlineData("development", "development")]
    [InlineData(" Staging ", "staging")]
    [InlineData("PRODUCTION", "production")]
    public void AKnownValue_Parses(string? value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["APP_ENV"] = value }).Build();

        var environment = AppEnvironment.From(configuration);

        Assert.Equal(expected, environment.Name);
        Assert.Equal(expected == "development", environment.IsDevelopment);
        Assert.Equal(expected == "staging", environment.IsStaging);
        Assert.Equal(expected == "production", environment.IsProduction);
    }

    [Fact]
    public void AnUnknownValue_IsAnErrorNamingTheVariable()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => AppEnvironment.Parse("prod"));

        Assert.Contains("APP_ENV", ex.Message);
        Assert.Contains("'prod'", ex.Message);
    }
}
