namespace SentinelOps.AppHost.Configuration;

/// <summary>The AppHost's own configuration keys (given as <c>--Key=value</c>, <c>Key__Sub</c> variables, user secrets or appsettings).</summary>
internal static class AppHostSettings
{
    /// <summary>The secret parameter holding OpenAI's key; set, it makes <c>primary</c> real OpenAI.</summary>
    public const string OpenAIApiKeyParameter = "openai-api-key";

    /// <summary>Where Aspire reads <see cref="OpenAIApiKeyParameter"/>'s value from.</summary>
    public const string OpenAIApiKey = "Parameters:" + OpenAIApiKeyParameter;

    /// <summary>OpenAI's (or any OpenAI-compatible) API root, including <c>/v1</c>.</summary>
    public const string OpenAIEndpoint = "OpenAI:Endpoint";

    /// <summary>The OpenAI model.</summary>
    public const string OpenAIModel = "OpenAI:Model";

    /// <summary>An external Ollama server; set, it becomes <c>fallback</c> and no Ollama is started.</summary>
    public const string OllamaEndpoint = "Ollama:Endpoint";

    /// <summary>The Ollama model (pulled on start by the Ollama container).</summary>
    public const string OllamaModel = "Ollama:Model";

    /// <summary><c>Auto</c>, <c>Container</c> or <c>Simulator</c>: what <c>fallback</c> is when <see cref="OllamaEndpoint"/> is not set.</summary>
    public const string OllamaMode = "Ollama:Mode";

    /// <summary>The <c>ollama/ollama</c> image tag.</summary>
    public const string OllamaImageTag = "Ollama:ImageTag";

    /// <summary>
    /// Whether providers with nothing real configured are simulators. Default: <see langword="true"/> when running,
    /// <see langword="false"/> when publishing (a deployment describes the real system).
    /// </summary>
    public const string SimulatorsEnabled = "Simulators:Enabled";

    /// <summary>How many gateway processes run behind its endpoint (default 1).</summary>
    public const string GatewayReplicas = "Gateway:Replicas";

    /// <summary>The Redis connection string; set (or <c>REDIS_URL</c>), no Redis is started.</summary>
    public const string RedisConnectionString = "ConnectionStrings:redis";
}
