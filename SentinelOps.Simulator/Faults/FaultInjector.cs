namespace SentinelOps.Simulator.Faults;

/// <summary>Holds the fault currently injected and counts the requests this simulator has served.</summary>
/// <remarks>Thread-safe: the control API writes while many requests read.</remarks>
public sealed class FaultInjector(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private FaultRequest? _fault;
    private DateTimeOffset? _expiresAt;
    private int? _remainingRequests;
    private CancellationTokenSource _release = new();

    private long _requests;
    private long _chatRequests;
    private long _faultedRequests;

    /// <summary>Replaces the injected fault; <see cref="FaultMode.Healthy"/> clears it.</summary>
    /// <param name="request">A request that passed <see cref="FaultRequest.Validate"/>.</param>
    public void Set(FaultRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CancellationTokenSource released;
        lock (_gate)
        {
            released = _release;
            _release = new CancellationTokenSource();
            _fault = request.Mode == FaultMode.Healthy ? null : request;
            _expiresAt = request.DurationSeconds is { } seconds ? timeProvider.GetUtcNow().AddSeconds(seconds) : null;
            _remainingRequests = request.Requests;
        }

        // Requests hanging under the old fault carry on once it is gone.
        released.Cancel();
        released.Dispose();
    }

    /// <summary>Clears any fault.</summary>
    public void Restore() => Set(new FaultRequest { Mode = FaultMode.Healthy });

    /// <summary>Counts a protocol request and decides which fault, if any, it suffers.</summary>
    /// <param name="isChat">Whether it is a chat request (as opposed to a model listing or version probe).</param>
    /// <param name="isStreaming">Whether it asked for a stream: a stream cut strikes only streams, and other requests
    /// pass untouched without using up the fault's request count.</param>
    public ActiveFault Admit(bool isChat, bool isStreaming = false)
    {
        Interlocked.Increment(ref _requests);
        if (isChat)
        {
            Interlocked.Increment(ref _chatRequests);
        }

        lock (_gate)
        {
            if (!IsActive() || (_fault!.Mode is FaultMode.StreamCut or FaultMode.Stall && !isStreaming) || (_fault.ChatOnly == true && !isChat))
            {
                return ActiveFault.None;
            }

            if (_remainingRequests is not null)
            {
                _remainingRequests--;
            }

            _faultedRequests++;
            var fault = _fault!;
            return new ActiveFault(
                fault.Mode!.Value,
                TimeSpan.FromMilliseconds(fault.LatencyMs ?? 0),
                TimeSpan.FromSeconds(fault.RetryAfterSeconds ?? 1),
                fault.AfterChunks ?? 2,
                _release.Token);
        }
    }

    /// <summary>The fault in force now, for the control API.</summary>
    public FaultStatus GetStatus()
    {
        lock (_gate)
        {
            return IsActive()
                ? new FaultStatus(_fault!.Mode!.Value, _fault, _expiresAt, _remainingRequests)
                : new FaultStatus(FaultMode.Healthy, null, null, null);
        }
    }

    /// <summary>The request counters, for the control API and tests.</summary>
    public SimulatorStats GetStats() => new(
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _chatRequests),
        Interlocked.Read(ref _faultedRequests));

    /// <summary>Sets every counter back to zero.</summary>
    public void ResetStats()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _chatRequests, 0);
        Interlocked.Exchange(ref _faultedRequests, 0);
    }

    // Must be called under _gate; expires the fault lazily so no timer is needed.
    private bool IsActive()
    {
        if (_fault is null)
        {
            return false;
        }

        if ((_expiresAt is { } expiry && timeProvider.GetUtcNow() >= expiry) || _remainingRequests <= 0)
        {
            _fault = null;
            _expiresAt = null;
            _remainingRequests = null;
            return false;
        }

        return true;
    }
}
