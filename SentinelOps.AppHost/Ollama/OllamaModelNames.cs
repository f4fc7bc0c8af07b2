namespace SentinelOps.AppHost.Ollama;

/// <summary>Ollama lists <c>llama3.2</c> as <c>llama3.2:latest</c>; both mean the same model.</summary>
internal static class OllamaModelNames
{
    /// <summary>Whether the listed model <paramref name="listed"/> is the configured <paramref name="wanted"/>.</summary>
    public static bool Match(string? listed, string wanted) =>
        listed is not null
        && (string.Equals(listed, wanted, StringComparison.OrdinalIgnoreCase)
            || (!wanted.Contains(':', StringComparison.Ordinal) && string.Equals(listed, wanted + ":latest", StringComparison.OrdinalIgnoreCase)));
}
