using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Resilience;

/// <summary>How long one attempt at a provider may take (section <c>Gateway:Timeouts</c>).</summary>
/// <remarks>
/// Defaults chosen for real providers: OpenAI's first token usually comes within a second or two, and a warm Ollama
/// model's sooner; 15 s also covers Ollama loading a small model from disk. Reasoning models that think before their
/// first visible token, or large models on CPU, need a higher <see cref="TimeToFirstToken"/>.
/// </remarks>
public sealed class AttemptTimeoutOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Timeouts";

    /// <summary>The default <see cref="Attempt"/>.</summary>
    public static readonly TimeSpan DefaultAttempt = TimeSpan.FromSeconds(45);

    /// <summary>The default <see cref="TimeToFirstToken"/>.</summary>
    public static readonly TimeSpan DefaultTimeToFirstToken = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Limit for a whole non-streaming answer from one attempt (default 45 s: a long answer at OpenAI's usual pace,
    /// leaving the rest of the 60 s request deadline to a fallback).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ErrorMessage = "Gateway:Timeouts:Attempt must be between 10 ms and 30 min.")]
    public TimeSpan Attempt { get; set; } = DefaultAttempt;

    /// <summary>Limit until an attempt's first content arrives, streaming or not (default 15 s); after that the answer
    /// runs freely (a stream) or within <see cref="Attempt"/> (a non-streaming answer).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ErrorMessage = "Gateway:Timeouts:TimeToFirstToken must be between 10 ms and 30 min.")]
    public TimeSpan TimeToFirstToken { get; set; } = DefaultTimeToFirstToken;

    /// <summary>
    /// Whether non-streaming requests are made to the provider as streams and assembled (default
    /// <see langword="true"/>), so <see cref="TimeToFirstToken"/> and slow-call accounting protect them too. With
    /// <see langword="false"/> they are sent whole and only <see cref="Attempt"/> bounds them.
    /// </summary>
    public bool StreamNonStreamingRequests { get; set; } = true;
}
