using System.Text.Json.Serialization;
using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Gateway.Routing;

/// <summary>Why one provider did not answer a request.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Error">A short description, free of secrets and of the provider's response body.</param>
/// <param name="StatusCode">The provider's HTTP status, when it answered with one.</param>
public sealed record ProviderFailure(
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("status_code")] int? StatusCode)
{
    /// <summary>The failure <paramref name="exception"/> describes, without its message (which may echo a provider's body).</summary>
    public static ProviderFailure From(string provider, Exception exception) =>
        new(provider, ProviderErrorClassifier.Describe(exception), ProviderErrorClassifier.StatusCode(exception));
}
