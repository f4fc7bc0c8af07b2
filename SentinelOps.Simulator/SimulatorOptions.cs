using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Simulator;

/// <summary>Which provider wire protocol a simulator instance speaks.</summary>
public enum SimulatorProtocol
{
    /// <summary>OpenAI's chat completions API (<c>/v1/chat/completions</c>, <c>/v1/models</c>).</summary>
    OpenAI,

    /// <summary>Ollama's native API (<c>/api/chat</c>, <c>/api/tags</c>, <c>/api/version</c>).</summary>
    Ollama,
}

/// <summary>Configuration of one simulated provider (section <c>Simulator</c>).</summary>
public sealed class SimulatorOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Simulator";

    /// <summary>Name reported in responses and stats; usually the Aspire resource name.</summary>
    [Required]
    public string Name { get; set; } = "simulator";

    /// <summary>The protocol this instance speaks.</summary>
    public SimulatorProtocol Protocol { get; set; } = SimulatorProtocol.OpenAI;

    /// <summary>The one model this instance serves; requests for another model get a 404 as real providers answer.</summary>
    public string? Model { get; set; }

    /// <summary>Pause between streamed chunks, so streaming is visible and time-to-first-token differs from total time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan ChunkDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// When set, <c>/control/*</c> requires this key as <c>x-api-key</c> or <c>Authorization: Bearer</c> (the protocol
    /// endpoints stay as open as the provider they imitate).
    /// </summary>
    public string? ControlKey { get; set; }

    /// <summary>
    /// Test aid: error bodies repeat the <c>Authorization</c> header the simulator received, as some real providers echo
    /// a bad key back. The canary test uses it to prove the gateway never passes such a body on.
    /// </summary>
    public bool EchoAuthorizationInErrors { get; set; }

    /// <summary>The model served when <see cref="Model"/> is not set.</summary>
    public string EffectiveModel => Model ?? (Protocol == SimulatorProtocol.OpenAI ? "sim-gpt-4o-mini" : "llama3.2:1b");
}
