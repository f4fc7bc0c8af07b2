using Microsoft.Extensions.Time.Testing;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>A <see cref="FakeTimeProvider"/> that counts the timers created on it, so a test can wait until the code
/// under test has started waiting before it moves the clock.</summary>
internal sealed class TimerCountingFakeTimeProvider : FakeTimeProvider
{
    private int _timersCreated;

    public int TimersCreated => Volatile.Read(ref _timersCreated);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
