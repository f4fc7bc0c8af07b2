using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <content>
/// The passive half: what each call said about its provider, reported by <see cref="CircuitBreakerChatClient"/> with the
/// permit its circuit gave it, as YARP's passive health policy reports through <c>IDestinationHealthUpdater.SetPassive</c>.
/// </content>
/// <remarks>The hot path: a reference check and the breaker's own lock, nothing allocated and no lookup by name.</remarks>
public sealed partial class ProviderHealthUpdater
{
    /// <summary>The call's first token (its first content) arrived: the provider is answering.</summary>
    public void FirstTokenArrived(CircuitBreaker breaker, CircuitPermit permit) =>
        Owned(breaker).RecordFirstToken(permit);

    /// <summary>The call succeeded (a stream: it completed).</summary>
    /// <param name="breaker">The circuit that let the call through.</param>
    /// <param name="permit">The call's permit.</param>
    /// <param name="latency">Its time to first token (a stream) or to its whole response.</param>
    /// <param name="longestChunkGap">For a stream that delivered content, its longest wait for a chunk after the first token.</param>
    public void CallSucceeded(CircuitBreaker breaker, CircuitPermit permit, TimeSpan latency, TimeSpan? longestChunkGap = null) =>
        Owned(breaker).RecordSuccess(permit, latency, longestChunkGap);

    /// <summary>The call failed because of the provider.</summary>
    public void CallFailed(CircuitBreaker breaker, CircuitPermit permit) =>
        Owned(breaker).RecordFailure(permit);

    /// <summary>After its first token, the call's stream was silent past its <see cref="CircuitPermit.InterChunkLimit"/>: a failure.</summary>
    public void StreamStalled(CircuitBreaker breaker, CircuitPermit permit, TimeSpan silentFor) =>
        Owned(breaker).RecordStreamStalled(permit, silentFor);

    /// <summary>The call ended without the provider's verdict (the caller cancelled or stopped reading); the circuit
    /// decides whether it had waited long enough without a first token to be a stall.</summary>
    public void CallAbandoned(CircuitBreaker breaker, CircuitPermit permit) =>
        Owned(breaker).RecordAbandoned(permit);

    /// <summary>The provider refused the request as invalid, or never received it: no verdict on the provider.</summary>
    public void CallRejected(CircuitBreaker breaker, CircuitPermit permit) =>
        Owned(breaker).RecordRejected(permit);

    /// <summary>The half-open trial is another replica's (<paramref name="holder"/> holds its lease for <paramref name="heldFor"/>): not sent here.</summary>
    public void TrialHeldElsewhere(CircuitBreaker breaker, CircuitPermit permit, string holder, TimeSpan heldFor) =>
        Owned(breaker).RecordTrialElsewhere(permit, holder, heldFor);

    /// <summary>Whether this updater writes <paramref name="breaker"/>'s health.</summary>
    internal bool Writes(CircuitBreaker breaker) => ReferenceEquals(breaker.Writer, this);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private CircuitBreaker Owned(CircuitBreaker breaker) =>
        ReferenceEquals(breaker?.Writer, this) ? breaker : ThrowNotOwned(breaker);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CircuitBreaker ThrowNotOwned(CircuitBreaker? breaker) =>
        throw new ArgumentException(
            breaker is null ? "A call outcome needs its circuit." : $"The circuit of {breaker.Provider} is written by another {nameof(ProviderHealthUpdater)}.",
            nameof(breaker));
}
