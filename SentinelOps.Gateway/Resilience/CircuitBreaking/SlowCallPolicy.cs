using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// Decides the slow-call threshold and the inter-chunk limit of a provider from what has been observed of it: the policy half of slow-call
/// accounting, apart from the state the <see cref="CircuitBreaker"/> keeps (as YARP keeps health policies apart from
/// destination state).
/// </summary>
public sealed class SlowCallPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="options">Multipliers, floors, ceilings, ratio and trial limit.</param>
    /// <param name="timeToFirstTokenLimit">The longest an attempt can wait for its first token (the lower of the
    /// time-to-first-token and whole-answer limits), which also caps the threshold.</param>
    public SlowCallPolicy(SlowCallOptions options, TimeSpan timeToFirstTokenLimit)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToFirstTokenLimit, TimeSpan.Zero);
        Options = options;
        Ceiling = options.MaxThreshold < timeToFirstTokenLimit ? options.MaxThreshold : timeToFirstTokenLimit;
        Floor = options.MinThreshold < Ceiling ? options.MinThreshold : Ceiling;
    }

    /// <summary>The policy with default options and the default time-to-first-token limit.</summary>
    public static SlowCallPolicy Default { get; } = new(new SlowCallOptions(), AttemptTimeoutOptions.DefaultTimeToFirstToken);

    /// <summary>The options.</summary>
    public SlowCallOptions Options { get; }

    /// <summary>The lowest threshold: the configured floor, unless the ceiling is lower.</summary>
    public TimeSpan Floor { get; }

    /// <summary>The highest threshold: the configured ceiling or the time-to-first-token limit, whichever is lower.</summary>
    public TimeSpan Ceiling { get; }

    /// <summary>The threshold for a provider whose typical time to first token is <paramref name="typical"/>
    /// (the <see cref="Floor"/> before anything was observed).</summary>
    public TimeSpan ThresholdFor(TimeSpan? typical)
    {
        if (typical is not { } estimate)
        {
            return Floor;
        }

        var scaled = TimeSpan.FromTicks((long)Math.Min(estimate.Ticks * Options.ThresholdMultiplier, TimeSpan.MaxValue.Ticks / 2));
        return scaled < Floor ? Floor : scaled > Ceiling ? Ceiling : scaled;
    }

    /// <summary>
    /// The inter-chunk limit for a provider whose typical longest wait between two chunks of a stream is
    /// <paramref name="typicalLongestGap"/>: <see cref="SlowCallOptions.InterChunkMultiplier"/> times it, clamped to
    /// [<see cref="SlowCallOptions.InterChunkMinLimit"/>, <see cref="SlowCallOptions.InterChunkMaxLimit"/>]; the
    /// ceiling before anything was observed.
    /// </summary>
    public TimeSpan InterChunkLimitFor(TimeSpan? typicalLongestGap)
    {
        var (floor, ceiling) = (Options.InterChunkMinLimit, Options.InterChunkMaxLimit);
        if (typicalLongestGap is not { } estimate)
        {
            return ceiling;
        }

        var scaled = TimeSpan.FromTicks((long)Math.Min(estimate.Ticks * Options.InterChunkMultiplier, TimeSpan.MaxValue.Ticks / 2));
        return scaled < floor ? floor : scaled > ceiling ? ceiling : scaled;
    }
}
