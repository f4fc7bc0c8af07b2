using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SentinelOps.Shared.Configuration;

/// <summary>
/// The environment variables the seed documents, with its defaults, and how each maps onto our structured settings.
/// </summary>
/// <remarks>
/// <para>Precedence: a structured setting (<c>Gateway__CircuitBreaker__FailureThreshold</c>, <c>ConnectionStrings__redis</c>,
/// <c>Providers__0__…</c>) set in any configuration source wins over the seed variable that maps to it; the seed
/// variable fills in only what is not set. The structured names stay the primary, documented interface.</para>
/// <para>Providers: with no <c>Providers</c> configured, <c>OPENAI_API_KEY</c> and/or <c>OLLAMA_BASE_URL</c> give the
/// seed's chain: <c>openai</c> (only with a key) first, then <c>ollama</c>. With <c>Providers</c> configured,
/// <c>OPENAI_API_KEY</c> only supplies the key of OpenAI-kind providers at OpenAI's own host (or <c>OPENAI_BASE_URL</c>'s)
/// that have none: the key is never sent anywhere else, e.g. to a simulator or another vendor.</para>
/// </remarks>
public static class SeedEnvironmentVariables
{
    /// <summary>OpenAI's API key. Seed default: none (required by the seed for its OpenAI provider).</summary>
    public const string OpenAIApiKey = "OPENAI_API_KEY";

    /// <summary>The OpenAI model. Default <see cref="DefaultOpenAIModel"/>.</summary>
    public const string OpenAIModel = "OPENAI_MODEL";

    /// <summary>
    /// Not in the seed: an OpenAI-compatible endpoint (the OpenAI SDKs' own variable name), including <c>/v1</c>.
    /// Default <see cref="DefaultOpenAIEndpoint"/>.
    /// </summary>
    public const string OpenAIBaseUrl = "OPENAI_BASE_URL";

    /// <summary>The Ollama server. Default <see cref="DefaultOllamaBaseUrl"/>.</summary>
    public const string OllamaBaseUrl = "OLLAMA_BASE_URL";

    /// <summary>The Ollama model. Default <see cref="DefaultOllamaModel"/>.</summary>
    public const string OllamaModel = "OLLAMA_MODEL";

    /// <summary>Redis, as <c>redis://[[user]:password@]host[:port][/db]</c> or <c>rediss://…</c>. Default <see cref="DefaultRedisUrl"/>.</summary>
    public const string RedisUrl = "REDIS_URL";

    /// <summary>Consecutive failures that open a circuit (default 3) → <c>Gateway:CircuitBreaker:FailureThreshold</c>.</summary>
    public const string CircuitBreakerFailureThreshold = "CIRCUIT_BREAKER_FAILURE_THRESHOLD";

    /// <summary>Seconds before a half-open trial (default 30) → <c>Gateway:CircuitBreaker:BreakDuration</c>.</summary>
    public const string CircuitBreakerRecoveryTimeout = "CIRCUIT_BREAKER_RECOVERY_TIMEOUT";

    /// <summary>Seconds between monitor probes (default 15) → <c>Monitor:HealthCheckInterval</c>.</summary>
    public const string HealthCheckIntervalSeconds = "HEALTH_CHECK_INTERVAL_SECONDS";

    /// <summary>Requests per client per window (default 100) → <c>Gateway:RateLimit:PermitLimit</c>.</summary>
    public const string RateLimitRequests = "RATE_LIMIT_REQUESTS";

    /// <summary>The rate limit window in seconds (default 60) → <c>Gateway:RateLimit:Window</c>.</summary>
    public const string RateLimitWindowSeconds = "RATE_LIMIT_WINDOW_SECONDS";

    /// <summary>The seed's OpenAI model.</summary>
    public const string DefaultOpenAIModel = "gpt-4o-mini";

    /// <summary>OpenAI's API root.</summary>
    public const string DefaultOpenAIEndpoint = "https://api.openai.com/v1";

    /// <summary>The seed's Ollama server.</summary>
    public const string DefaultOllamaBaseUrl = "http://localhost:11434";

    /// <summary>The seed's Ollama model.</summary>
    public const string DefaultOllamaModel = "llama3.2";

    /// <summary>The seed's Redis.</summary>
    public const string DefaultRedisUrl = "redis://localhost:6379/0";

    /// <summary>The structured key Redis clients read (Aspire's <c>AddRedisClient("redis")</c>).</summary>
    public const string RedisConnectionStringKey = "ConnectionStrings:redis";

    /// <summary>Provider names of the seed's chain, as its responses report them (<c>provider_used</c>).</summary>
    public const string OpenAIProviderName = "openai";

    /// <summary>See <see cref="OpenAIProviderName"/>.</summary>
    public const string OllamaProviderName = "ollama";

    /// <summary>The numeric variables: (variable, structured key, whether it is seconds → TimeSpan).</summary>
    internal static readonly (string Variable, string Key, bool IsDuration)[] Tuning =
    [
        (CircuitBreakerFailureThreshold, "Gateway:CircuitBreaker:FailureThreshold", false),
        (CircuitBreakerRecoveryTimeout, "Gateway:CircuitBreaker:BreakDuration", true),
        (HealthCheckIntervalSeconds, "Monitor:HealthCheckInterval", true),
        (RateLimitRequests, "Gateway:RateLimit:PermitLimit", false),
        (RateLimitWindowSeconds, "Gateway:RateLimit:Window", true),
    ];

    /// <summary>
    /// The structured settings a service (gateway, monitor) gets from the seed variables in <paramref name="configuration"/>:
    /// only keys that <paramref name="configuration"/> does not already set.
    /// </summary>
    /// <exception cref="InvalidOperationException">A variable is malformed; the message names each one.</exception>
    public static IReadOnlyDictionary<string, string?> ForService(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new SeedVariableReader(configuration);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in reader.TuningSettings())
        {
            settings[key] = value;
        }

        RedisUrlConverter.TryToConnectionString(DefaultRedisUrl, out var defaultRedis, out _);
        settings[RedisConnectionStringKey] = reader.RedisConnectionString() ?? defaultRedis;

        var openAiKey = reader.Text(OpenAIApiKey);
        var openAiEndpoint = reader.HttpUrl(OpenAIBaseUrl) ?? new Uri(DefaultOpenAIEndpoint);
        var ollamaEndpoint = reader.HttpUrl(OllamaBaseUrl);
        reader.ReadAppEnvironment();
        reader.ThrowIfInvalid();

        var configured = configuration.GetSection("Providers").GetChildren().ToList();
        if (configured.Count == 0)
        {
            if (openAiKey is not null || ollamaEndpoint is not null)
            {
                AddSeedChain(settings, reader, openAiKey, openAiEndpoint, ollamaEndpoint ?? new Uri(DefaultOllamaBaseUrl));
            }
        }
        else if (openAiKey is not null)
        {
            foreach (var provider in configured.Where(p => IsKeylessOpenAI(p, openAiEndpoint)))
            {
                settings[$"{provider.Path}:ApiKey"] = openAiKey;
            }
        }

        return settings
            .Where(setting => string.IsNullOrEmpty(configuration[setting.Key]))
            .ToDictionary(setting => setting.Key, setting => setting.Value, StringComparer.OrdinalIgnoreCase);
    }

    private static void AddSeedChain(Dictionary<string, string?> settings, SeedVariableReader reader, string? openAiKey, Uri openAiEndpoint, Uri ollamaEndpoint)
    {
        var index = 0;
        if (openAiKey is not null)
        {
            AddProvider(settings, index++, OpenAIProviderName, "OpenAI", openAiEndpoint, reader.Text(OpenAIModel) ?? DefaultOpenAIModel, openAiKey);
        }

        AddProvider(settings, index, OllamaProviderName, "Ollama", ollamaEndpoint, reader.Text(OllamaModel) ?? DefaultOllamaModel, apiKey: null);
    }

    private static void AddProvider(Dictionary<string, string?> settings, int index, string name, string kind, Uri endpoint, string model, string? apiKey)
    {
        var prefix = $"Providers:{index.ToString(CultureInfo.InvariantCulture)}:";
        settings[prefix + "Name"] = name;
        settings[prefix + "Kind"] = kind;
        settings[prefix + "Endpoint"] = endpoint.ToString();
        settings[prefix + "Model"] = model;
        settings[prefix + "Priority"] = index.ToString(CultureInfo.InvariantCulture);
        if (apiKey is not null)
        {
            settings[prefix + "ApiKey"] = apiKey;
        }
    }

    private static bool IsKeylessOpenAI(IConfigurationSection provider, Uri openAiEndpoint) =>
        string.IsNullOrEmpty(provider["ApiKey"])
        && (provider["Kind"] is null || string.Equals(provider["Kind"], "OpenAI", StringComparison.OrdinalIgnoreCase))
        && Uri.TryCreate(provider["Endpoint"], UriKind.Absolute, out var endpoint)
        && (string.Equals(endpoint.Host, openAiEndpoint.Host, StringComparison.OrdinalIgnoreCase)
            || string.Equals(endpoint.Host, new Uri(DefaultOpenAIEndpoint).Host, StringComparison.OrdinalIgnoreCase));
}
