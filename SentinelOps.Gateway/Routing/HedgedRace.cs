using System.Diagnostics;
using SentinelOps.Gateway.Metrics;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// One request's walk through its candidate providers with hedging (<see cref="ProviderHedger"/>): while a single
/// attempt waits for its first content and the request has not been hedged, a timer runs for that provider's hedging
/// delay; when it fires and the budget allows, the next candidate is started too. The first attempt to send content
/// wins and the other is cancelled at once.
/// </summary>
/// <remarks>
/// <para>At most two attempts at once, at most one hedge per request. An attempt that fails is a failover as usual:
/// listed in the failures, and the other attempt continues, or the next candidate is started. For a non-streaming
/// request the winner is decided at its first content, before its whole answer: the loser's provider is tried again
/// first if the winner then breaks mid-answer.</para>
/// <para>Candidates skipped (open circuits) while looking for a hedge count only if the race moves past the provider
/// that was hedged: when that provider answers, no failover happened.</para>
/// <para>Not thread-safe: one request's async flow drives it; the attempts run on their own flows and only report
/// through their tasks.</para>
/// </remarks>
/// <typeparam name="T">What a successful attempt yields: an opened stream, or a whole response.</typeparam>
internal sealed class HedgedRace<T>
    where T : class
{
    private readonly ProviderHedger _hedger;
    private readonly IEnumerator<ProviderClient> _candidates;
    private readonly List<ProviderFailure> _failures;
    private readonly Func<ProviderClient, CancellationToken, (Task<(T? Result, ProviderFailure? Failure)> Completion, Task FirstContent)> _start;
    private readonly Func<T, ValueTask> _discard;
    private readonly CancellationToken _request;
    private readonly List<HedgedAttempt<T>> _running = new(2);
    private HedgedAttempt<T>? _slow;
    private List<ProviderFailure>? _hedgeSkips;
    private ProviderClient? _tryAgain;
    private CancellationTokenSource? _timer;
    private Task? _delay;
    private TimeSpan _delayTime;
    private bool _hedgeDecided;
    private bool _hedged;

    /// <summary>Prepares the race.</summary>
    /// <param name="hedger">Delays, budget and the recorder.</param>
    /// <param name="candidates">The request's candidates, in order (skips are added to <paramref name="failures"/>).</param>
    /// <param name="failures">The request's failures, in order.</param>
    /// <param name="start">Starts an attempt on a provider with a token: its completion and its first-content task.</param>
    /// <param name="discard">Releases what a losing attempt yielded anyway (a stream that opened as it was cancelled).</param>
    /// <param name="request">The request's cancellation (caller and deadline).</param>
    public HedgedRace(
        ProviderHedger hedger,
        IEnumerator<ProviderClient> candidates,
        List<ProviderFailure> failures,
        Func<ProviderClient, CancellationToken, (Task<(T? Result, ProviderFailure? Failure)> Completion, Task FirstContent)> start,
        Func<T, ValueTask> discard,
        CancellationToken request)
    {
        (_hedger, _candidates, _failures, _start, _discard, _request) = (hedger, candidates, failures, start, discard, request);
    }

    /// <summary>Runs the race: the winner, or <see langword="null"/> when every candidate failed (see the failures).</summary>
    /// <exception cref="OperationCanceledException">The request was cancelled (caller or deadline).</exception>
    public async Task<HedgedWin<T>?> RunAsync()
    {
        _hedger.Budget.RecordRequest();
        try
        {
            while (true)
            {
                if (_running.Count == 0)
                {
                    if (Next() is not { } next)
                    {
                        FlushHedgeSkips();
                        return null;
                    }

                    _running.Add(Start(next, hedgeOf: null));
                }

                if (!_hedgeDecided && _delay is null && _running is [{ SawFirstContent: false } alone])
                {
                    _timer = new CancellationTokenSource();
                    _delayTime = _hedger.DelayFor(alone.Provider);
                    _delay = Task.Delay(_delayTime, _hedger.TimeProvider, _timer.Token);
                }

                await Task.WhenAny(Waits());
                if (TakeWinner() is { } won)
                {
                    return won;
                }

                NoticeFirstContent();
                if (_delay is { IsCompletedSuccessfully: true })
                {
                    StopTimer();
                    TryHedge();
                }
            }
        }
        finally
        {
            StopTimer();
            foreach (var attempt in _running)
            {
                attempt.Decide("cancelled", _hedger.Recorder);
                Abandon(attempt);
            }
        }
    }

    private List<Task> Waits()
    {
        var waits = new List<Task>(5);
        foreach (var attempt in _running)
        {
            waits.Add(attempt.Completion);
            if (!attempt.SawFirstContent && attempt.FirstContent != attempt.Completion)
            {
                waits.Add(attempt.FirstContent);
            }
        }

        if (_delay is not null)
        {
            waits.Add(_delay);
        }

        return waits;
    }

    // Attempts that ended: a success wins the race; a failure is listed, and the race goes on with whatever is left.
    private HedgedWin<T>? TakeWinner()
    {
        for (var i = 0; i < _running.Count; i++)
        {
            var attempt = _running[i];
            if (!attempt.Completion.IsCompleted)
            {
                continue;
            }

            _running.RemoveAt(i--);
            StopTimer(); // a new lone attempt gets a timer of its own

            // Rethrows the request's cancellation, or an error that ends the request; `finally` cancels the rest.
            (T? Result, ProviderFailure? Failure) outcome;
            try
            {
                outcome = attempt.Completion.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                attempt.Decide(ex is OperationCanceledException ? "cancelled" : "failed", _hedger.Recorder);
                attempt.Cancellation.Dispose();
                throw;
            }

            var (result, failure) = outcome;
            if (result is not null)
            {
                attempt.Decide("won", _hedger.Recorder);
                ResolveHedgeSkips(winnerWasHedged: IsHedged(attempt));
                foreach (var loser in _running)
                {
                    loser.Decide("lost", _hedger.Recorder);
                    Abandon(loser);
                }

                // The winner's source is not disposed: a stream reads on with its token. It holds only a registration on
                // the request's source, which ends with the request.
                _running.Clear();
                return new HedgedWin<T>(attempt.Provider, result, _hedged);
            }

            attempt.Decide("failed", _hedger.Recorder);
            attempt.Cancellation.Dispose();
            _failures.Add(failure!);
            if (IsHedged(attempt))
            {
                FlushHedgeSkips();
            }
        }

        return null;
    }

    // A non-streaming attempt's first content decides the race before its whole answer: the other attempt is
    // cancelled, to be tried again first should the winner break mid-answer.
    private void NoticeFirstContent()
    {
        for (var i = 0; i < _running.Count; i++)
        {
            var attempt = _running[i];
            if (attempt.SawFirstContent || !attempt.FirstContent.IsCompleted)
            {
                continue;
            }

            attempt.SawFirstContent = true;
            StopTimer();
            if (_running.Count == 1)
            {
                return;
            }

            var loser = _running[1 - i];
            _running.Remove(loser);
            attempt.Decide("won", _hedger.Recorder);
            loser.Decide("lost", _hedger.Recorder);
            ResolveHedgeSkips(winnerWasHedged: IsHedged(attempt));
            Abandon(loser);
            _tryAgain = loser.Provider;
            return;
        }
    }

    private void TryHedge()
    {
        _hedgeDecided = true;
        var slow = _slow = _running[0];
        if (!_hedger.Budget.TryAcquire())
        {
            _hedger.LogHedgeOverBudget(slow.Provider.Name);
            return;
        }

        var before = _failures.Count;
        var next = Next();

        // Skips met on the way count only if the race moves past the slow provider (see the remarks).
        if (_failures.Count > before)
        {
            (_hedgeSkips ??= []).AddRange(_failures.GetRange(before, _failures.Count - before));
            _failures.RemoveRange(before, _failures.Count - before);
        }

        if (next is null)
        {
            _hedger.Budget.Return();
            return;
        }

        _hedged = true;
        _hedger.LogHedging(slow.Provider.Name, next.Name);
        _running.Add(Start(next, hedgeOf: slow.Provider));
    }

    private ProviderClient? Next()
    {
        if (_tryAgain is { } again)
        {
            _tryAgain = null;
            return again;
        }

        return _candidates.MoveNext() ? _candidates.Current : null;
    }

    private HedgedAttempt<T> Start(ProviderClient provider, ProviderClient? hedgeOf)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_request);
        if (hedgeOf is null)
        {
            var (completion, firstContent) = _start(provider, cancellation.Token);
            return new HedgedAttempt<T> { Provider = provider, Cancellation = cancellation, Completion = completion, FirstContent = firstContent };
        }

        // The hedge's span is current only on the attempt's own flow, so its provider call nests under it.
        var parent = Activity.Current;
        var span = GatewayTelemetry.Activities.StartActivity("sentinel.hedge");
        span?.SetTag("sentinel.hedge.provider", provider.Name);
        span?.SetTag("sentinel.hedge.for", hedgeOf.Name);
        span?.SetTag("sentinel.hedge.delay_ms", _delayTime.TotalMilliseconds);
        try
        {
            var (completion, firstContent) = _start(provider, cancellation.Token);
            return new HedgedAttempt<T>
            {
                Provider = provider, Cancellation = cancellation, Completion = completion, FirstContent = firstContent, HedgeOf = hedgeOf, Span = span,
            };
        }
        finally
        {
            Activity.Current = parent;
        }
    }

    // The gateway's choice, not the provider's fault: its breaker books a cancellation as no verdict (unless the attempt
    // had already stalled past the slow-call threshold). The attempt winds down on its own; nothing waits for it.
    private void Abandon(HedgedAttempt<T> attempt)
    {
        attempt.Cancellation.Cancel();
        _ = DrainAsync(attempt, _discard);
    }

    private static async Task DrainAsync(HedgedAttempt<T> attempt, Func<T, ValueTask> discard)
    {
        try
        {
            if ((await attempt.Completion.ConfigureAwait(false)).Result is { } opened)
            {
                await discard(opened).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Cancelled, as asked; or failed on its own before noticing, which its breaker has booked already.
        }
        finally
        {
            attempt.Cancellation.Dispose();
        }
    }

    // The attempt whose slowness started the hedge (or would have, had the budget or the candidates allowed).
    private bool IsHedged(HedgedAttempt<T> attempt) => ReferenceEquals(attempt, _slow);

    private void ResolveHedgeSkips(bool winnerWasHedged)
    {
        if (winnerWasHedged)
        {
            _hedgeSkips = null;
        }
        else
        {
            FlushHedgeSkips();
        }
    }

    private void FlushHedgeSkips()
    {
        if (_hedgeSkips is not null)
        {
            _failures.AddRange(_hedgeSkips);
            _hedgeSkips = null;
        }
    }

    private void StopTimer()
    {
        _timer?.Cancel();
        _timer?.Dispose();
        (_timer, _delay) = (null, null);
    }
}
