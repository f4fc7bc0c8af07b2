using SentinelOps.Shared.Providers;

namespace SentinelOps.Tests.Shared.Providers;

/// <summary>Finding a provider by its name, or by its kind as the seed's examples do (<c>/api/providers/openai/probe</c>).</summary>
public sealed class ProvidersOptionsTests
{
    private static readonly ProvidersOptions Chain = new()
    {
        Providers =
        [
            new ProviderOptions { Name = "primary", Kind = ProviderKind.OpenAI, Endpoint = new Uri("http://a/v1"), Model = "m" },
            new ProviderOptions { Name = "fallback", Kind = ProviderKind.Ollama, Endpoint = new Uri("http://b"), Model = "m" },
        ],
    };

    [Theory]
    [InlineData("primary", "primary")]
    [InlineData("FALLBACK", "fallback")]
    [InlineData("openai", "primary")]
    [InlineData("Ollama", "fallback")]
    [InlineData("gemini", null)]
    public void Find_ByNameOrByTheOnlyProviderOfAKind(string nameOrKind, string? expected) =>
        Assert.Equal(expected, Chain.Find(nameOrKind)?.Name);

    [Fact]
    public void Find_AKindTwoProvidersShare_IsNoMatch_AndANameWinsOverAKind()
    {
        var options = new ProvidersOptions
        {
            Providers =
            [
                new ProviderOptions { Name = "a", Kind = ProviderKind.OpenAI, Endpoint = new Uri("http://a/v1"), Model = "m" },
                new ProviderOptions { Name = "b", Kind = ProviderKind.OpenAI, Endpoint = new Uri("http://b/v1"), Model = "m" },
                new ProviderOptions { Name = "ollama", Kind = ProviderKind.OpenAI, Endpoint = new Uri("http://c/v1"), Model = "m" },
            ],
        };

        Assert.Null(options.Find("openai"));
        Assert.Equal("ollama", options.Find("ollama")?.Name);
    }
}
