using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Shared.Probing;

/// <summary>
/// Checks one provider with the cheapest call its protocol offers: OpenAI <c>GET {endpoint}/models</c>, Ollama
/// <c>GET {endpoint}/api/tags</c>. A probe succeeds when the call answers 2xx in time and lists the configured model.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> must carry no retry or timeout of its own (register it without the standard resilience
/// handler): one probe is one request, timed by <see cref="ProbeAsync"/>. Errors describe the failure by status code
/// or error kind, never by response body, and the provider's key only ever travels in the request header.
/// Thread-safe.
/// </remarks>
public sealed class ProviderProber(HttpClient httpClient, TimeProvider timeProvider)
{
    /// <summary>The name of the <see cref="ActivitySource"/> probe spans come from.</summary>
    public const string ActivitySourceName = "SentinelOps.Probing";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Probes <paramref name="provider"/> once, giving up after <paramref name="timeout"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (never for a timeout).</exception>
    public async Task<ProbeResult> ProbeAsync(ProviderOptions provider, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);

        using var activity = Source.StartActivity($"probe {provider.Name}", ActivityKind.Client);
        activity?.SetTag("sentinel.provider", provider.Name);
        var traceId = activity?.TraceId.ToHexString();
        var started = timeProvider.GetTimestamp();
        string? error;

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            error = await CheckAsync(provider, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        }
        catch (HttpRequestException ex)
        {
            error = ex.HttpRequestError == HttpRequestError.Unknown ? "request failed" : $"request failed: {Describe(ex.HttpRequestError)}";
        }
        catch (IOException)
        {
            error = "connection lost while reading the response";
        }
        catch (JsonException)
        {
            error = "malformed response body";
        }

        var latency = timeProvider.GetElapsedTime(started);
        if (error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }

        return new ProbeResult(provider.Name, error is null, latency, timeProvider.GetUtcNow(), error, traceId);
    }

    // Null when the provider is healthy, else why not.
    private async Task<string?> CheckAsync(ProviderOptions provider, CancellationToken cancellationToken)
    {
        var endpoint = provider.Endpoint ?? throw new ArgumentException($"Provider '{provider.Name}' has no endpoint.", nameof(provider));
        using var request = new HttpRequestMessage(HttpMethod.Get, ProbeUri(provider.Kind, endpoint));
        if (!string.IsNullOrEmpty(provider.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
        }

        using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return $"HTTP {(int)response.StatusCode} ({response.ReasonPhrase ?? response.StatusCode.ToString()})";
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            var models = ListedModels(provider.Kind, document.RootElement);
            if (models is null)
            {
                return "unexpected response shape (no model list)";
            }

            return models.Any(listed => ModelMatches(provider.Kind, provider.Model, listed))
                ? null
                : $"model '{provider.Model}' is not listed by the provider ({models.Count} model(s) listed)";
        }
    }

    /// <summary>The probe's address: <c>{endpoint}/models</c> for OpenAI (whose endpoint includes <c>/v1</c>), <c>{endpoint}/api/tags</c> for Ollama.</summary>
    public static Uri ProbeUri(ProviderKind kind, Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var root = endpoint.AbsoluteUri.TrimEnd('/');
        return new Uri(kind == ProviderKind.Ollama ? root + "/api/tags" : root + "/models");
    }

    /// <summary>
    /// Whether the listed model is the configured one. OpenAI ids compare exactly (ignoring case); Ollama names compare
    /// with an implied <c>:latest</c> tag, so <c>llama3.2</c> matches <c>llama3.2:latest</c> but not <c>llama3.2:1b</c>.
    /// </summary>
    public static bool ModelMatches(ProviderKind kind, string configured, string listed)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(listed);
        return kind == ProviderKind.Ollama
            ? string.Equals(WithTag(configured), WithTag(listed), StringComparison.OrdinalIgnoreCase)
            : string.Equals(configured, listed, StringComparison.OrdinalIgnoreCase);

        static string WithTag(string name) => name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";
    }

    // OpenAI: {"data":[{"id":"gpt-4o-mini"},…]}; Ollama: {"models":[{"name":"llama3.2:latest","model":"llama3.2:latest"},…]}.
    private static HashSet<string>? ListedModels(ProviderKind kind, JsonElement root)
    {
        var (arrayName, idNames) = kind == ProviderKind.Ollama ? ("models", new[] { "name", "model" }) : ("data", new[] { "id" });
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(arrayName, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var models = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in array.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var idName in idNames)
            {
                if (entry.TryGetProperty(idName, out var id) && id.ValueKind == JsonValueKind.String)
                {
                    models.Add(id.GetString()!);
                }
            }
        }

        return models;
    }

    private static string Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => "name resolution failed",
        HttpRequestError.ConnectionError => "connection failed",
        HttpRequestError.SecureConnectionError => "TLS handshake failed",
        HttpRequestError.ResponseEnded => "connection closed before the response ended",
        HttpRequestError.InvalidResponse => "invalid HTTP response",
        _ => error.ToString(),
    };
}
