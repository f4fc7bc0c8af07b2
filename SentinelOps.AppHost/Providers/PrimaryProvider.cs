namespace SentinelOps.AppHost.Providers;

/// <summary>What serves <c>primary</c>, the first provider of the chain (OpenAI's protocol).</summary>
internal enum PrimaryProvider
{
    /// <summary>A simulator speaking OpenAI's protocol: offline, no key.</summary>
    Simulator,

    /// <summary>OpenAI (or an OpenAI-compatible endpoint) with the <c>openai-api-key</c> secret parameter.</summary>
    OpenAI,
}
