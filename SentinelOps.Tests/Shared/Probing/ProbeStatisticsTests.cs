using SentinelOps.Shared.Probing;

namespace SentinelOps.Tests.Shared.Probing;

public sealed class ProbeStatisticsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Empty_HasNoLatency_AndFullSuccessRate()
    {
        var stats = new ProbeStatistics(windowSize: 5, smoothing: 0.5);

        Assert.Null(stats.EwmaLatencyMs);
        Assert.Null(stats.P95LatencyMs);
        Assert.Equal(100, stats.SuccessRatePct);
        Assert.Equal(0, stats.Count);
    }

    [Fact]
    public void Ewma_StartsAtTheFirstLatency_ThenMovesBySmoothing_IgnoringFailures()
    {
        var stats = new ProbeStatistics(windowSize: 5, smoothing: 0.5);

        stats.Record(Ok(100));
        Assert.Equal(100, stats.EwmaLatencyMs);
        stats.Record(Ok(200));
        Assert.Equal(150, stats.EwmaLatencyMs);
        stats.Record(Failed(5000));
        Assert.Equal(150, stats.EwmaLatencyMs);
        stats.Record(Ok(50));
        Assert.Equal(100, stats.EwmaLatencyMs);
    }

    [Fact]
    public void P95_IsTheNearestRankOfSuccessfulLatenciesInTheWindow()
    {
        var stats = new ProbeStatistics(windowSize: 20, smoothing: 0.3);
        for (var i = 1; i <= 20; i++)
        {
            stats.Record(Ok(i * 10));
        }

        Assert.Equal(190, stats.P95LatencyMs); // ceil(0.95 * 20) = 19th of 10..200

        stats.Record(Ok(1000)); // pushes out the 10 ms probe
        Assert.Equal(200, stats.P95LatencyMs);
        stats.Record(Ok(1000));
        Assert.Equal(1000, stats.P95LatencyMs);
    }

    [Fact]
    public void SuccessRate_CoversOnlyTheWindow()
    {
        var stats = new ProbeStatistics(windowSize: 4, smoothing: 0.3);
        stats.Record(Failed());
        stats.Record(Failed());
        stats.Record(Ok(10));
        stats.Record(Ok(10));
        Assert.Equal(50, stats.SuccessRatePct);

        stats.Record(Ok(10));
        Assert.Equal(75, stats.SuccessRatePct);
        stats.Record(Ok(10));
        Assert.Equal(100, stats.SuccessRatePct);
        Assert.Equal(4, stats.Count);
    }

    [Fact]
    public void Runs_CountConsecutiveOutcomes_AndKeepTheLastError()
    {
        var stats = new ProbeStatistics(windowSize: 10, smoothing: 0.3);
        stats.Record(Failed(error: "HTTP 503"));
        stats.Record(Failed(error: "HTTP 500"));
        Assert.Equal(2, stats.ConsecutiveFailures);
        Assert.Equal(0, stats.ConsecutiveSuccesses);
        Assert.Equal("HTTP 500", stats.LastError);

        stats.Record(Ok(10));
        Assert.Equal(0, stats.ConsecutiveFailures);
        Assert.Equal(1, stats.ConsecutiveSuccesses);
        Assert.Null(stats.LastError);
    }

    [Fact]
    public void KeepNewest_DropsOlderProbes_AndKeepsRecording()
    {
        var stats = new ProbeStatistics(windowSize: 3, smoothing: 0.3);
        stats.Record(Failed());
        stats.Record(Failed());
        stats.Record(Failed());
        stats.Record(Ok(40)); // window wrapped: F F S

        stats.KeepNewest(1);

        Assert.Equal(1, stats.Count);
        Assert.Equal(100, stats.SuccessRatePct);
        Assert.Equal(40, stats.P95LatencyMs);
        stats.Record(Failed());
        stats.Record(Ok(60));
        stats.Record(Ok(80)); // window full again: S F S S → F S S
        Assert.Equal(66.7, stats.SuccessRatePct);
        Assert.Equal(80, stats.P95LatencyMs);
    }

    internal static ProbeResult Ok(double latencyMs) => new("p", true, TimeSpan.FromMilliseconds(latencyMs), Now);

    internal static ProbeResult Failed(double latencyMs = 5, string error = "HTTP 503 (Service Unavailable)") =>
        new("p", false, TimeSpan.FromMilliseconds(latencyMs), Now, error);
}
