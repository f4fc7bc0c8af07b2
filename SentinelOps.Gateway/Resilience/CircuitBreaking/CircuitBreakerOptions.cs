using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>When a provider's circuit opens and for how long (section <c>Gateway:CircuitBreaker</c>).</summary>
/// <remarks>
/// Two triggers, so the breaker works at a few requests a second as well as at thousands: a run of consecutive
/// failures, or a failure ratio over a sampling window once enough calls have been seen.
/// </remarks>
public sealed class CircuitBreakerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:CircuitBreaker";

    /// <summary>Consecutive failures that open the circuit (default 3).</summary>
    [Range(1, 1000, ErrorMessage = "Gateway:CircuitBreaker:FailureThreshold must be between 1 and 1000.")]
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Failure ratio over <see cref="SamplingDuration"/> that opens the circuit (default 0.5).</summary>
    [Range(0.01, 1.0, ErrorMessage = "Gateway:CircuitBreaker:FailureRatio must be between 0.01 and 1.")]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The window the failure ratio is measured over (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Gateway:CircuitBreaker:SamplingDuration must be between 1 s and 1 h.")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls needed in the window before the ratio counts (default 10).</summary>
    [Range(1, 100_000, ErrorMessage = "Gateway:CircuitBreaker:MinimumThroughput must be between 1 and 100000.")]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>How long the first break lasts: the seed's recovery timeout (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Gateway:CircuitBreaker:BreakDuration must be between 100 ms and 1 h.")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each consecutive trip multiplies the break by this (default 2).</summary>
    [Range(1.0, 10.0, ErrorMessage = "Gateway:CircuitBreaker:BreakDurationMultiplier must be between 1 and 10.")]
    public double BreakDurationMultiplier { get; set; } = 2.0;

    /// <summary>The longest a break can grow to (default 5 min).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Gateway:CircuitBreaker:MaxBreakDuration must be between 100 ms and 1 day.")]
    public TimeSpan MaxBreakDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The break after <paramref name="consecutiveTrips"/> trips without a successful trial in between.</summary>
    public TimeSpan BreakFor(int consecutiveTrips)
    {
        var factor = Math.Pow(BreakDurationMultiplier, Math.Max(0, consecutiveTrips - 1));
        var cap = Math.Max(MaxBreakDuration.Ticks, BreakDuration.Ticks);
        return TimeSpan.FromTicks((long)Math.Min(BreakDuration.Ticks * factor, cap));
    }
}
