namespace SentinelOps.AppHost.Providers;

/// <summary>What serves <c>fallback</c>, the second provider of the chain (Ollama's protocol).</summary>
internal enum FallbackProvider
{
    /// <summary>A simulator speaking Ollama's protocol: offline, no download.</summary>
    Simulator,

    /// <summary>The <c>ollama/ollama</c> container, its model pulled on start.</summary>
    OllamaContainer,

    /// <summary>An Ollama server that runs elsewhere (<c>Ollama:Endpoint</c> / <c>OLLAMA_BASE_URL</c>).</summary>
    ExternalOllama,
}
