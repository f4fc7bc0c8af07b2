using Microsoft.Extensions.Time.Testing;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>Drives code that waits on a <see cref="FakeTimeProvider"/>.</summary>
internal static class FakeTime
{
    /// <summary>
    /// Advances <paramref name="time"/> in <paramref name="step"/>s until <paramref name="task"/> finishes, letting the
    /// code under test run between steps. Fake time never passes on its own, so no test waits for a real clock; the
    /// step is the precision of any interval the test measures.
    /// </summary>
    public static async Task<T> RunAsync<T>(FakeTimeProvider time, Task<T> task, TimeSpan step, int maxSteps = 10_000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await Task.WhenAny(task, Task.Delay(1));
            if (!task.IsCompleted)
            {
                time.Advance(step);
            }
        }

        return await task;
    }

    /// <summary>Waits (in real time, at most 10 s) until <paramref name="condition"/> holds: the code under test has
    /// reached the point where it waits on fake time.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    /// <summary>
    /// Asserts that <paramref name="task"/> waits exactly <paramref name="wait"/> of fake time: still pending a tick
    /// before, finished once the clock reaches it. Time moves only by these two known amounts, however loaded the
    /// machine is.
    /// </summary>
    public static async Task AssertCompletesAfterAsync(FakeTimeProvider time, Task task, TimeSpan wait)
    {
        var tick = TimeSpan.FromMilliseconds(1);
        time.Advance(wait - tick);
        await Task.WhenAny(task, Task.Delay(50));
        Assert.False(task.IsCompleted, $"finished before {wait}");
        time.Advance(tick);
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(task.IsCompleted, $"still waiting after {wait}");
    }

    /// <inheritdoc cref="RunAsync{T}(FakeTimeProvider, Task{T}, TimeSpan, int)"/>
    public static Task RunAsync(FakeTimeProvider time, Task task, TimeSpan step, int maxSteps = 10_000) =>
        RunAsync(time, task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), step, maxSteps);
}
