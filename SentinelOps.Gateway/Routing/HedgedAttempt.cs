using System.Diagnostics;
using SentinelOps.Gateway.Metrics;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// One provider attempt in a <see cref="HedgedRace{T}"/>: its own cancellation, so a loser is cancelled alone; the task
/// that ends with its answer or its failure; the task that completes at its first content; and, for the hedge, the
/// provider it was started beside and its span.
/// </summary>
/// <typeparam name="T">What a successful attempt yields: an opened stream, or a whole response.</typeparam>
internal sealed class HedgedAttempt<T>
    where T : class
{
    private bool _decided;

    /// <summary>The provider tried.</summary>
    public required ProviderClient Provider { get; init; }

    /// <summary>Cancels this attempt only; linked to the request's own cancellation.</summary>
    public required CancellationTokenSource Cancellation { get; init; }

    /// <summary>The answer (an opened stream, a whole response) or the provider's failure; faults only with the
    /// request's cancellation or an error that ends the request (a request every provider would reject).</summary>
    public required Task<(T? Result, ProviderFailure? Failure)> Completion { get; init; }

    /// <summary>Completes when the provider's first content arrives (for a stream, the same as <see cref="Completion"/>).</summary>
    public required Task FirstContent { get; init; }

    /// <summary>For the hedge: the provider slow to its first token that it was started beside.</summary>
    public ProviderClient? HedgeOf { get; init; }

    /// <summary>For the hedge: its span (<c>sentinel.hedge</c>), when someone listens.</summary>
    public Activity? Span { get; init; }

    /// <summary>Whether the race has seen this attempt's first content.</summary>
    public bool SawFirstContent { get; set; }

    /// <summary>
    /// For the hedge: records how its race ended for it (<c>won</c>, <c>lost</c>, <c>failed</c>, <c>cancelled</c>) on its
    /// span and in the metrics, once; nothing for the attempt it was started beside.
    /// </summary>
    public void Decide(string outcome, RequestOutcomeRecorder recorder)
    {
        if (HedgeOf is null || _decided)
        {
            return;
        }

        _decided = true;
        recorder.Hedged(HedgeOf.Name, Provider.Name, outcome);
        if (Span is not null)
        {
            Span.SetTag("sentinel.hedge.outcome", outcome);
            if (outcome == "failed")
            {
                Span.SetStatus(ActivityStatusCode.Error);
            }

            Span.Dispose();
        }
    }
}
