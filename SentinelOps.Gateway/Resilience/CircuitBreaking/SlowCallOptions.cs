using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// When an attempt counts as slow or stalled (section <c>Gateway:SlowCalls</c>), after Resilience4j's
/// <c>slowCallDurationThreshold</c> / <c>slowCallRateThreshold</c>, with the threshold learnt per provider.
/// </summary>
/// <remarks>
/// <para>The slow-call threshold is <see cref="ThresholdMultiplier"/> × the provider's typical time to first token (the
/// median of its last 16, the very first call excepted), clamped to [<see cref="MinThreshold"/>,
/// <see cref="MaxThreshold"/>] and never above <c>Gateway:Timeouts:TimeToFirstToken</c> or <c>Gateway:Timeouts:Attempt</c>
/// (a hang that either limit cuts must count as one). Until then it is
/// <see cref="MinThreshold"/>.</para>
/// <para>An attempt still waiting for its first token past the threshold is stalled: it counts as a failure however it
/// ends (attempt timeout or the caller giving up), and while it waits, new requests skip the provider except for at
/// most <see cref="MaxTrialsWhileStalled"/> trial attempts. A success whose first token came after the threshold is a
/// slow call; <see cref="SlowCallRatio"/> of them over the breaker's sampling window opens the circuit.</para>
/// <para>After the first token, a stream that waits longer than its inter-chunk limit for its next chunk has stalled
/// too: the attempt is cut there and counts as a failure. The limit is <see cref="InterChunkMultiplier"/> × the
/// provider's typical longest wait between chunks (the median over its last 16 streams), clamped to
/// [<see cref="InterChunkMinLimit"/>, <see cref="InterChunkMaxLimit"/>]; until then it is
/// <see cref="InterChunkMaxLimit"/>.</para>
/// </remarks>
public sealed class SlowCallOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:SlowCalls";

    /// <summary>The default <see cref="ThresholdMultiplier"/>.</summary>
    public const double DefaultThresholdMultiplier = 4.0;

    /// <summary>The default <see cref="MinThreshold"/>.</summary>
    public static readonly TimeSpan DefaultMinThreshold = TimeSpan.FromSeconds(2);

    /// <summary>The default <see cref="MaxThreshold"/>.</summary>
    public static readonly TimeSpan DefaultMaxThreshold = TimeSpan.FromSeconds(15);

    /// <summary>The default <see cref="SlowCallRatio"/>.</summary>
    public const double DefaultSlowCallRatio = 0.5;

    /// <summary>The default <see cref="MaxTrialsWhileStalled"/>.</summary>
    public const int DefaultMaxTrialsWhileStalled = 1;

    /// <summary>The default <see cref="InterChunkMultiplier"/>.</summary>
    public const double DefaultInterChunkMultiplier = 4.0;

    /// <summary>The default <see cref="InterChunkMinLimit"/>.</summary>
    public static readonly TimeSpan DefaultInterChunkMinLimit = TimeSpan.FromSeconds(3);

    /// <summary>The default <see cref="InterChunkMaxLimit"/>.</summary>
    public static readonly TimeSpan DefaultInterChunkMaxLimit = TimeSpan.FromSeconds(10);

    /// <summary>The threshold as a multiple of the provider's typical time to first token (default 4).</summary>
    [Range(1.0, 100.0, ErrorMessage = "Gateway:SlowCalls:ThresholdMultiplier must be between 1 and 100.")]
    public double ThresholdMultiplier { get; set; } = DefaultThresholdMultiplier;

    /// <summary>The floor of the threshold, and the threshold before any first token was seen (default 2 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ErrorMessage = "Gateway:SlowCalls:MinThreshold must be between 10 ms and 30 min.")]
    public TimeSpan MinThreshold { get; set; } = DefaultMinThreshold;

    /// <summary>The ceiling of the threshold (default 15 s); <c>Gateway:Timeouts:TimeToFirstToken</c> and
    /// <c>Gateway:Timeouts:Attempt</c> cap it too.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ErrorMessage = "Gateway:SlowCalls:MaxThreshold must be between 10 ms and 30 min.")]
    public TimeSpan MaxThreshold { get; set; } = DefaultMaxThreshold;

    /// <summary>Ratio of slow successes over the breaker's sampling window (once its minimum throughput is reached)
    /// that opens the circuit (default 0.5).</summary>
    [Range(0.01, 1.0, ErrorMessage = "Gateway:SlowCalls:SlowCallRatio must be between 0.01 and 1.")]
    public double SlowCallRatio { get; set; } = DefaultSlowCallRatio;

    /// <summary>Attempts let through at once, as trials, while the provider has a stalled attempt (default 1).</summary>
    [Range(1, 100, ErrorMessage = "Gateway:SlowCalls:MaxTrialsWhileStalled must be between 1 and 100.")]
    public int MaxTrialsWhileStalled { get; set; } = DefaultMaxTrialsWhileStalled;

    /// <summary>The inter-chunk limit as a multiple of the provider's typical longest wait between two chunks of a
    /// stream (default 4).</summary>
    [Range(1.0, 100.0, ErrorMessage = "Gateway:SlowCalls:InterChunkMultiplier must be between 1 and 100.")]
    public double InterChunkMultiplier { get; set; } = DefaultInterChunkMultiplier;

    /// <summary>The floor of the inter-chunk limit (default 3 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ErrorMessage = "Gateway:SlowCalls:InterChunkMinLimit must be between 10 ms and 30 min.")]
    public TimeSpan InterChunkMinLimit { get; set; } = DefaultInterChunkMinLimit;

    /// <summary>The ceiling of the inter-chunk limit, and the limit before anything was learnt (default 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ErrorMessage = "Gateway:SlowCalls:InterChunkMaxLimit must be between 10 ms and 30 min.")]
    public TimeSpan InterChunkMaxLimit { get; set; } = DefaultInterChunkMaxLimit;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinThreshold > MaxThreshold)
        {
            yield return new ValidationResult(
                "Gateway:SlowCalls:MinThreshold must not be greater than Gateway:SlowCalls:MaxThreshold.",
                [nameof(MinThreshold), nameof(MaxThreshold)]);
        }

        if (InterChunkMinLimit > InterChunkMaxLimit)
        {
            yield return new ValidationResult(
                "Gateway:SlowCalls:InterChunkMinLimit must not be greater than Gateway:SlowCalls:InterChunkMaxLimit.",
                [nameof(InterChunkMinLimit), nameof(InterChunkMaxLimit)]);
        }
    }
}
