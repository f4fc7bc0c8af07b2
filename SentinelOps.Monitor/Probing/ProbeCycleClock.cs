namespace SentinelOps.Monitor.Probing;

/// <summary>When the monitor started and when its last probe cycle completed: what its health check judges.</summary>
/// <remarks>Thread-safe: the worker writes, health checks read.</remarks>
internal sealed class ProbeCycleClock(TimeProvider timeProvider)
{
    private long _lastCompletedTicks;
    private long _cycles;

    /// <summary>When the process started probing (construction time).</summary>
    public DateTimeOffset StartedAt { get; } = timeProvider.GetUtcNow();

    /// <summary>When the last cycle completed; <see langword="null"/> before the first.</summary>
    public DateTimeOffset? LastCompletedAt =>
        Interlocked.Read(ref _lastCompletedTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Cycles completed since start.</summary>
    public long Cycles => Interlocked.Read(ref _cycles);

    /// <summary>Records that a cycle just completed.</summary>
    public void CycleCompleted()
    {
        Interlocked.Exchange(ref _lastCompletedTicks, timeProvider.GetUtcNow().UtcTicks);
        Interlocked.Increment(ref _cycles);
    }
}
