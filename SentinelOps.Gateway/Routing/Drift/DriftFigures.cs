namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>What a provider's averages say at one moment (<see cref="ProviderDriftState.Read"/>).</summary>
/// <param name="LatencyMs">Fast average (geometric) latency of its calls, once it has had one.</param>
/// <param name="BaselineLatencyMs">Its slow baseline latency (geometric).</param>
/// <param name="ErrorRate">Fast average error rate, 0–1.</param>
/// <param name="BaselineErrorRate">Its slow baseline error rate.</param>
/// <param name="LatencySamples">The fast window's effective number of answered calls (its latency samples).</param>
/// <param name="CallSamples">The fast window's effective number of calls, answered or failed (its error samples).</param>
/// <param name="BaselineSamples">The baseline's effective number of calls.</param>
/// <param name="FreshSamples">Calls and probes since the figures were last read for a step.</param>
/// <param name="ProbeLatencyMs">The latest probe latency the monitor reported.</param>
/// <param name="BaselineProbeLatencyMs">The slow baseline (geometric) of reported probe latencies.</param>
/// <param name="BaselineProbes">The probe baseline's effective number of reports.</param>
/// <param name="ProbeAge">How long ago the latest probe latency was reported.</param>
public readonly record struct DriftFigures(
    double? LatencyMs,
    double? BaselineLatencyMs,
    double? ErrorRate,
    double? BaselineErrorRate,
    double LatencySamples,
    double CallSamples,
    double BaselineSamples,
    long FreshSamples,
    double? ProbeLatencyMs = null,
    double? BaselineProbeLatencyMs = null,
    double BaselineProbes = 0,
    TimeSpan ProbeAge = default);
