using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>
/// Drift draining (section <c>Gateway:Drift</c>): each provider's fast latency and error averages against its slow
/// baseline; a provider that drifts is marked degraded and its traffic weight is lowered step by step, before any
/// circuit opens, then given back step by step once it is healthy again.
/// </summary>
public sealed class DriftOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Drift";

    /// <summary>The default <see cref="FastWindow"/>.</summary>
    public static readonly TimeSpan DefaultFastWindow = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="BaselineWindow"/>.</summary>
    public static readonly TimeSpan DefaultBaselineWindow = TimeSpan.FromMinutes(5);

    /// <summary>The default <see cref="StepInterval"/>.</summary>
    public static readonly TimeSpan DefaultStepInterval = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="LatencyFloor"/>.</summary>
    public static readonly TimeSpan DefaultLatencyFloor = TimeSpan.FromMilliseconds(50);

    /// <summary>The default <see cref="Steps"/>.</summary>
    public const string DefaultSteps = "50,10,1";

    /// <summary>Whether drift is watched and drained (default true). Off: the layer is not in the pipeline at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time constant of the fast averages (default 10 s): what the provider is doing now.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Gateway:Drift:FastWindow must be between 50 ms and 1 h.")]
    public TimeSpan FastWindow { get; set; } = DefaultFastWindow;

    /// <summary>Time constant of the baselines (default 5 min): what the provider usually does.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Gateway:Drift:BaselineWindow must be between 100 ms and 1 day.")]
    public TimeSpan BaselineWindow { get; set; } = DefaultBaselineWindow;

    /// <summary>How often drift is judged and the weight moved by one step (default 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Gateway:Drift:StepInterval must be between 10 ms and 1 h.")]
    public TimeSpan StepInterval { get; set; } = DefaultStepInterval;

    /// <summary>Fast latency at or above this multiple of the baseline is drift (default 3).</summary>
    [Range(1.1, 100.0, ErrorMessage = "Gateway:Drift:LatencyRatio must be between 1.1 and 100.")]
    public double LatencyRatio { get; set; } = 3.0;

    /// <summary>Fast latency at or under this multiple of the baseline is healthy again (default 1.5); in between, the
    /// weight holds.</summary>
    [Range(1.0, 100.0, ErrorMessage = "Gateway:Drift:RecoveryRatio must be between 1 and 100.")]
    public double RecoveryRatio { get; set; } = 1.5;

    /// <summary>Baselines under this count as this (default 50 ms), so the jitter of a very fast provider is no drift.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Gateway:Drift:LatencyFloor must be between 0 and 10 min.")]
    public TimeSpan LatencyFloor { get; set; } = DefaultLatencyFloor;

    /// <summary>A fast error rate this far above the baseline's is drift (default 0.1: ten points); half as far is
    /// healthy again.</summary>
    [Range(0.01, 1.0, ErrorMessage = "Gateway:Drift:ErrorRateIncrease must be between 0.01 and 1.")]
    public double ErrorRateIncrease { get; set; } = 0.1;

    /// <summary>Calls the fast window must hold (time-weighted) before it may call a provider drifted (default 5).</summary>
    [Range(1.0, 10_000.0, ErrorMessage = "Gateway:Drift:MinSamples must be between 1 and 10000.")]
    public double MinSamples { get; set; } = 5;

    /// <summary>How long a drained provider's latency must hold steady at a new level, errors not raised, before that
    /// level becomes its baseline and it is given back in steps (default: <see cref="BaselineWindow"/>).</summary>
    public TimeSpan? RebaselineAfter { get; set; }

    /// <summary><see cref="RebaselineAfter"/>, or <see cref="BaselineWindow"/> when unset.</summary>
    public TimeSpan EffectiveRebaselineAfter => RebaselineAfter ?? BaselineWindow;

    /// <summary>The weights, in percent of normal traffic, a drifting provider steps down through, one per
    /// <see cref="StepInterval"/> (default <c>50,10,1</c>); it climbs back through them in reverse.</summary>
    [Required(ErrorMessage = "Gateway:Drift:Steps is required.")]
    public string Steps { get; set; } = DefaultSteps;

    /// <summary>The weights of <see cref="Steps"/> as fractions, first step first; empty if malformed (validation says so).</summary>
    public double[] ParsedSteps()
    {
        var parts = (Steps ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var steps = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
            {
                return [];
            }

            steps[i] = percent / 100;
        }

        return steps;
    }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var steps = ParsedSteps();
        var descending = steps.Length > 0;
        for (var i = 0; i < steps.Length; i++)
        {
            descending &= steps[i] is > 0 and < 1 && (i == 0 || steps[i] < steps[i - 1]);
        }

        if (!descending || steps.Length > 10)
        {
            yield return new ValidationResult(
                "Gateway:Drift:Steps must be 1 to 10 comma-separated percentages between 0 and 100 (exclusive), descending, e.g. 50,10,1.",
                [nameof(Steps)]);
        }

        if (RecoveryRatio >= LatencyRatio)
        {
            yield return new ValidationResult(
                "Gateway:Drift:RecoveryRatio must be less than Gateway:Drift:LatencyRatio.", [nameof(RecoveryRatio), nameof(LatencyRatio)]);
        }

        if (RebaselineAfter is { } rebaseline && rebaseline <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Gateway:Drift:RebaselineAfter must be greater than 0.", [nameof(RebaselineAfter)]);
        }

        if (FastWindow >= BaselineWindow)
        {
            yield return new ValidationResult(
                "Gateway:Drift:FastWindow must be shorter than Gateway:Drift:BaselineWindow.", [nameof(FastWindow), nameof(BaselineWindow)]);
        }
    }
}
