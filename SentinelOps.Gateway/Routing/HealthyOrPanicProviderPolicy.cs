using Microsoft.Extensions.Logging.Abstractions;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Which providers a request may try, in the order its <see cref="RoutingStrategy"/> gives: those whose circuit permits a call; and when no circuit does, the one
/// whose break ends soonest, for a single early trial per outage (YARP's healthy-or-panic choice), rather than the
/// request failing without a call.
/// </summary>
/// <remarks>Thread-safe. Concurrent requests race for the one early trial; the others are answered at once.</remarks>
public sealed partial class HealthyOrPanicProviderPolicy
{
    private readonly IReadOnlyList<ProviderClient> _providers;
    private readonly ProviderOrder _order;
    private readonly ProviderHealthUpdater _health;
    private readonly ILogger _logger;

    /// <summary>Creates the policy over <paramref name="providers"/>, in priority order.</summary>
    /// <param name="providers">The providers, in priority order.</param>
    /// <param name="health">Through which an early trial is started.</param>
    /// <param name="logger">Where skips and early trials are logged.</param>
    /// <param name="strategy">The order in which the providers are tried (<see cref="RoutingStrategy.Priority"/>: as given).</param>
    /// <param name="random">Uniform [0, 1) for the random strategies; tests pass a seeded one.</param>
    public HealthyOrPanicProviderPolicy(
        IReadOnlyList<ProviderClient> providers,
        ProviderHealthUpdater health,
        ILogger? logger = null,
        RoutingStrategy strategy = RoutingStrategy.Priority,
        Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(health);
        _providers = providers;
        _order = new ProviderOrder(providers, strategy, random);
        _health = health;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The providers to try, in order; each one skipped for its circuit is added to <paramref name="failures"/>.</summary>
    public IEnumerable<ProviderClient> Candidates(List<ProviderFailure> failures)
    {
        // Indexed loops: a foreach over the IReadOnlyList would allocate an enumerator for every request.
        var attempted = false;
        var ordered = _order.Next();
        for (var i = 0; i < ordered.Count; i++)
        {
            var provider = ordered[i];
            if (!provider.Breaker.WouldPermit())
            {
                failures.Add(Skipped(provider));
                continue;
            }

            attempted = true;
            yield return provider;
        }

        if (attempted || Soonest() is not { } soonest || !_health.StartEarlyTrial(soonest.Breaker))
        {
            yield break;
        }

        LogPanicTrial(soonest.Name);
        ForgetSkip(failures, soonest.Name);
        yield return soonest;
    }

    // Apart from Candidates, so the lambda's closure is allocated only when an early trial happens, not for every request.
    private static void ForgetSkip(List<ProviderFailure> failures, string provider) => failures.RemoveAll(f => f.Provider == provider);

    /// <summary>When a retry can succeed: the soonest any circuit expects to let a call through again.</summary>
    public TimeSpan? RetryAfter()
    {
        TimeSpan? retryAfter = null;
        foreach (var provider in _providers)
        {
            if (provider.Breaker.RetryAfterHint is { } wait && (retryAfter is null || wait < retryAfter))
            {
                retryAfter = wait;
            }
        }

        return retryAfter;
    }

    private ProviderClient? Soonest()
    {
        ProviderClient? soonest = null;
        DateTimeOffset soonestEnd = default;
        foreach (var provider in _providers)
        {
            if (provider.Breaker is { CanEndBreakEarly: true, BreakEndsAt: { } endsAt } && (soonest is null || endsAt < soonestEnd))
            {
                (soonest, soonestEnd) = (provider, endsAt);
            }
        }

        return soonest;
    }

    // The hot path during an outage: describes the refusing circuit without building an exception.
    private ProviderFailure Skipped(ProviderClient provider)
    {
        var failure = new ProviderFailure(provider.Name, provider.Breaker.RefusalReason, StatusCode: null);
        LogProviderSkipped(provider.Name, failure.Error);
        return failure;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Provider {Provider} skipped: {Reason}")]
    private partial void LogProviderSkipped(string provider, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Every provider's circuit is open; trying {Provider}, whose break ends soonest")]
    private partial void LogPanicTrial(string provider);
}
