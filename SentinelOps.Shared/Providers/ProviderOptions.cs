using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Shared.Providers;

/// <summary>One LLM provider the gateway can route to and the monitor probes.</summary>
/// <remarks>A class rather than a record so that <see cref="ApiKey"/> never reaches a log through a generated <c>ToString</c>.</remarks>
public sealed class ProviderOptions
{
    /// <summary>Unique name, used in responses, metrics, incidents and <c>failover_chain</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9_-]{0,62}$", ErrorMessage = "The Name field must be 1-63 characters of lower-case letters, digits, '-' or '_'.")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The protocol it speaks.</summary>
    public ProviderKind Kind { get; set; } = ProviderKind.OpenAI;

    /// <summary>
    /// Base address: for OpenAI the API root including its version segment (<c>https://api.openai.com/v1</c>),
    /// for Ollama the server root (<c>http://localhost:11434</c>).
    /// </summary>
    [Required]
    public Uri? Endpoint { get; set; }

    /// <summary>The model requests are sent to.</summary>
    [Required]
    public string Model { get; set; } = string.Empty;

    /// <summary>The API key, if the provider needs one. Secret: never logged, traced or returned.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The root of a simulated provider's fault-control API (<c>/control/faults</c>), so operators can inject and clear
    /// faults through the gateway; <see langword="null"/> for real providers.
    /// </summary>
    public Uri? ControlEndpoint { get; set; }

    /// <summary>Lower is tried first; ties keep configuration order.</summary>
    [Range(0, 1000)]
    public int Priority { get; set; }

    /// <summary>Its share of traffic under the <c>weighted</c> routing strategy, relative to the others' (0: only when no other can answer).</summary>
    [Range(0, 1_000_000)]
    public double Weight { get; set; } = 1;

    /// <summary>Price per million input tokens, for the <c>cost</c> routing strategy; unknown prices sort last.</summary>
    [Range(0, 1_000_000)]
    public double? InputPricePerMillion { get; set; }

    /// <summary>Price per million output tokens, for the <c>cost</c> routing strategy.</summary>
    [Range(0, 1_000_000)]
    public double? OutputPricePerMillion { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Kind}, {Model} at {Endpoint})";
}
