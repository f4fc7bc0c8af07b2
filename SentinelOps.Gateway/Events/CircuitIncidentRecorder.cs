using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Events;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// Records each circuit state change of every provider as an incident: <c>circuit_opened</c> (open or isolated),
/// <c>circuit_half_open</c>, <c>circuit_closed</c>. Breakers change state at most once per break, so these need no
/// rate limit. With replicas sharing circuits, only the replica that decided a change records it.
/// </summary>
/// <remarks>The breaker raises <see cref="CircuitBreaker.StateChanged"/> on the request path; recording only enqueues.</remarks>
internal sealed class CircuitIncidentRecorder(ProviderChain chain, ISentinelEventSink sink, TimeProvider timeProvider) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in chain.Providers)
        {
            provider.Breaker.StateChanged += OnStateChanged;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in chain.Providers)
        {
            provider.Breaker.StateChanged -= OnStateChanged;
        }

        return Task.CompletedTask;
    }

    private void OnStateChanged(object? sender, CircuitStateChangedEventArgs change)
    {
        if (change.DecidedBy is not null)
        {
            // Another replica's decision, applied here: that replica records the incident, once for all of them.
            return;
        }

        var type = change.To switch
        {
            CircuitState.Open or CircuitState.Isolated => IncidentType.CircuitOpened,
            CircuitState.HalfOpen => IncidentType.CircuitHalfOpen,
            _ => IncidentType.CircuitClosed,
        };
        var detail = $"Circuit of {change.Provider} {Name(change.From)} -> {Name(change.To)}: {change.Reason}"
            + (change.BreakDuration is { } wait ? $" (break {wait.TotalSeconds:0.#} s)" : string.Empty);
        sink.RecordIncident(new Incident(
            string.Empty, type, change.Provider, timeProvider.GetUtcNow(), detail, System.Diagnostics.Activity.Current?.TraceId.ToHexString(), Source: "gateway"));
    }

    private static string Name(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        _ => "isolated",
    };
}
