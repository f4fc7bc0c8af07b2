using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OpenAI;
using OpenAI.Chat;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Gateway.Routing;

/// <summary>Creates the protocol client for a provider: the OpenAI SDK or OllamaSharp, each as an <see cref="IChatClient"/>.</summary>
internal static class ProviderChatClientFactory
{
    // OpenAI-compatible servers without authentication still need a credential for the SDK to build a request.
    private const string NoKey = "no-key";

    /// <summary>Creates the client that talks to <paramref name="provider"/> over <paramref name="httpClient"/>.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="httpClient">
    /// The transport. It must carry no retry of its own: callers layer retry, timeouts and circuit breaking on top,
    /// and the SDK's built-in retries are switched off here for the same reason.
    /// </param>
    public static IChatClient Create(ProviderOptions provider, HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(httpClient);
        var endpoint = provider.Endpoint ?? throw new ArgumentException($"Provider '{provider.Name}' has no endpoint.", nameof(provider));

        return provider.Kind switch
        {
            ProviderKind.OpenAI => new ChatClient(
                    provider.Model,
                    new ApiKeyCredential(string.IsNullOrEmpty(provider.ApiKey) ? NoKey : provider.ApiKey),
                    new OpenAIClientOptions
                    {
                        Endpoint = endpoint,
                        Transport = new HttpClientPipelineTransport(httpClient),
                        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                        NetworkTimeout = Timeout.InfiniteTimeSpan,

                        // The gateway logs provider outcomes itself; the SDK's logging policy costs every call.
                        ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
                    })
                .AsIChatClient(),
            ProviderKind.Ollama => CreateOllama(endpoint, provider, httpClient),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider.Kind, "Unknown provider kind."),
        };
    }

    private static OllamaApiClient CreateOllama(Uri endpoint, ProviderOptions provider, HttpClient httpClient)
    {
        httpClient.BaseAddress = endpoint;
        if (!string.IsNullOrEmpty(provider.ApiKey))
        {
            // Ollama behind an authenticating proxy, or Ollama's hosted API.
            httpClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", provider.ApiKey);
        }

        return new OllamaApiClient(httpClient, provider.Model);
    }
}
