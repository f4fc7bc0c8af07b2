using System.Globalization;

namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>
/// Judges a provider's <see cref="DriftFigures"/>: drifted when its fast latency is <see cref="DriftOptions.LatencyRatio"/>
/// times its baseline (calls or probes) or its fast error rate is <see cref="DriftOptions.ErrorRateIncrease"/> above
/// the baseline's (on <see cref="DriftOptions.MinSamples"/> calls to enter the drift); healthy again when every figure is back near its baseline (<see cref="DriftOptions.RecoveryRatio"/>,
/// half the error increase) on evidence fresher than the last step; undecided in between, so the weight holds.
/// </summary>
/// <remarks>Pure and thread-safe: no state, no clock.</remarks>
public sealed class BaselineDriftPolicy
{
    // Probes come every monitor interval: a few make a baseline.
    private const double MinBaselineProbes = 3;

    // A probe older than this says nothing about now (a stopped monitor), as Gateway:Events:ProviderStatusMaxAge has it.
    // SettledLevel judges probes by the same age.
    internal static readonly TimeSpan ProbeMaxAge = TimeSpan.FromMinutes(2);

    // A fast average whose samples have nearly all faded (three time constants) says nothing about now.
    private const double Stale = 0.05;

    private readonly DriftOptions _options;
    private readonly double _floorMs;

    /// <summary>Creates the policy.</summary>
    public BaselineDriftPolicy(DriftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _floorMs = options.LatencyFloor.TotalMilliseconds;
    }

    /// <summary>The verdict on <paramref name="figures"/> for a provider now in <paramref name="state"/>.</summary>
    public DriftVerdict Evaluate(in DriftFigures figures, DriftState state)
    {
        var latency = Ratio(figures.LatencyMs, figures.BaselineLatencyMs, figures.BaselineSamples >= _options.MinSamples && figures.LatencySamples > Stale);
        var probe = Ratio(figures.ProbeLatencyMs, figures.BaselineProbeLatencyMs, figures.BaselineProbes >= MinBaselineProbes && figures.ProbeAge <= ProbeMaxAge);
        double? errorIncrease = figures is { ErrorRate: { } rate, BaselineErrorRate: { } baseline } && figures.BaselineSamples >= _options.MinSamples && figures.CallSamples > Stale
            ? rate - baseline
            : null;

        // MinSamples guards against calling a provider drifted on thin evidence; once it is, a drained provider gets few
        // calls, so any fresh one that is still slow keeps it stepping down.
        var draining = state != DriftState.Healthy && figures.FreshSamples > 0;
        string? drifted = null;
        if (latency >= _options.LatencyRatio && (figures.LatencySamples >= _options.MinSamples || draining))
        {
            drifted = string.Create(CultureInfo.InvariantCulture, $"latency {figures.LatencyMs:0} ms is {latency:0.0}x its {figures.BaselineLatencyMs:0.#} ms baseline");
        }

        if (errorIncrease >= _options.ErrorRateIncrease && (figures.CallSamples >= _options.MinSamples || draining))
        {
            drifted = Join(drifted, string.Create(CultureInfo.InvariantCulture, $"error rate {figures.ErrorRate * 100:0}% against {figures.BaselineErrorRate * 100:0.#}% at baseline"));
        }

        if (probe >= _options.LatencyRatio)
        {
            drifted = Join(drifted, string.Create(CultureInfo.InvariantCulture, $"probe latency {figures.ProbeLatencyMs:0} ms is {probe:0.0}x its {figures.BaselineProbeLatencyMs:0.#} ms baseline"));
        }

        if (drifted is not null)
        {
            return new DriftVerdict(DriftVerdictKind.Drifted, drifted);
        }

        if (state == DriftState.Healthy)
        {
            return new DriftVerdict(DriftVerdictKind.Healthy, "no drift");
        }

        var healthy = figures.FreshSamples > 0
            && (latency ?? 0) <= _options.RecoveryRatio
            && (probe ?? 0) <= _options.RecoveryRatio
            && (errorIncrease ?? 0) <= _options.ErrorRateIncrease / 2;
        return healthy
            ? new DriftVerdict(DriftVerdictKind.Healthy, string.Create(CultureInfo.InvariantCulture, $"latency {figures.LatencyMs ?? figures.ProbeLatencyMs:0} ms against its {figures.BaselineLatencyMs ?? figures.BaselineProbeLatencyMs:0.#} ms baseline"))
            : new DriftVerdict(DriftVerdictKind.Undecided, string.Empty);
    }

    // The fast figure as a multiple of its baseline, a baseline under the floor counting as the floor; null without both.
    private double? Ratio(double? fast, double? baseline, bool enough) =>
        enough && fast is { } now && baseline is { } usual ? now / Math.Max(Math.Max(usual, _floorMs), 0.001) : null;

    private static string Join(string? first, string second) => first is null ? second : string.Concat(first, "; ", second);
}
