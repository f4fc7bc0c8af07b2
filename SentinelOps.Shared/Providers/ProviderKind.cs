using System.Text.Json.Serialization;

namespace SentinelOps.Shared.Providers;

/// <summary>The wire protocol a provider speaks.</summary>
/// <remarks>
/// In JSON it is <c>openai</c> or <c>ollama</c> (the naming policy alone would write <c>open_ai</c>). Configuration
/// binding parses names ignoring case, so <c>OpenAI</c>, <c>openai</c>, <c>Ollama</c> and <c>ollama</c> all bind.
/// </remarks>
public enum ProviderKind
{
    /// <summary>OpenAI's chat completions API, or any endpoint compatible with it.</summary>
    [JsonStringEnumMemberName("openai")]
    OpenAI,

    /// <summary>Ollama's native API.</summary>
    [JsonStringEnumMemberName("ollama")]
    Ollama,
}
