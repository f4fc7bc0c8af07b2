namespace SentinelOps.AppHost.Providers;

/// <summary>What <c>fallback</c> is when no external Ollama is configured (configuration key <c>Ollama:Mode</c>).</summary>
internal enum OllamaMode
{
    /// <summary>The simulator when simulators are enabled (running here, by default), else the container (publishing).</summary>
    Auto,

    /// <summary>Always the <c>ollama/ollama</c> container; running here, it needs Docker or Podman.</summary>
    Container,

    /// <summary>Always the simulator.</summary>
    Simulator,
}
