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

    /// <inheritdoc cref="RunAsync{T}(FakeTimeProvider, Task{T}, TimeSpan, int)"/>
    public static Task RunAsync(FakeTimeProvider time, Task task, TimeSpan step, int maxSteps = 10_000) =>
        RunAsync(time, task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), step, maxSteps);
}
