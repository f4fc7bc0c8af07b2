namespace SentinelOps.Shared.Providers;

/// <summary>The wire protocol a provider speaks.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI's chat completions API, or any endpoint compatible with it.</summary>
    OpenAI,

    /// <summary>Ollama's native API.</summary>
    Ollama,
}
