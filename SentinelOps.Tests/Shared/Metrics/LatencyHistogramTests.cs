using SentinelOps.Shared.Metrics;

namespace SentinelOps.Tests.Shared.Metrics;

public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(0.2, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(1000, 40)]
    [InlineData(1e9, LatencyHistogram.BucketCount - 1)]
    [InlineData(double.NaN, 0)]
    public void BucketsAreAQuarterOfADoublingWide(double latencyMs, int bucket) =>
        Assert.Equal(bucket, LatencyHistogram.BucketOf(latencyMs));

    [Fact]
    public void Percentiles_AreWithinTheBucketError_OfTheTrueValues()
    {
        var counts = new long[LatencyHistogram.BucketCount];
        for (var ms = 1; ms <= 1000; ms++)
        {
            counts[LatencyHistogram.BucketOf(ms)]++;
        }

        AssertClose(500, LatencyHistogram.Percentile(counts, 0.50));
        AssertClose(950, LatencyHistogram.Percentile(counts, 0.95));
        AssertClose(990, LatencyHistogram.Percentile(counts, 0.99));
        Assert.Null(LatencyHistogram.Percentile(new long[LatencyHistogram.BucketCount], 0.5));

        static void AssertClose(double expected, double? actual) =>
            Assert.InRange(actual!.Value, expected * 0.9, expected * 1.1);
    }

    [Fact]
    public void Totals_FromSeveralSources_AddUp()
    {
        var totals = new RequestTotals();
        totals.Add(RequestMetricsFields.TotalRequests, 3);
        totals.Add(RequestMetricsFields.TotalSuccesses, 3);
        totals.Add(RequestMetricsFields.LatencySumMicroseconds, 30_000);
        totals.Add(RequestMetricsFields.LatencyBucket(LatencyHistogram.BucketOf(10)), 3);
        totals.Add(RequestMetricsFields.ProviderSuccesses("primary"), 2);
        totals.Add(RequestMetricsFields.ProviderSuccesses("fallback"), 1);
        totals.Add(RequestMetricsFields.ProviderFailures("primary"), 1);
        totals.Add(RequestMetricsFields.TotalRequests, 2);
        totals.Add("unknown_field", 99);

        var report = totals.ToReport("primary", TimeSpan.FromSeconds(12.34));

        Assert.Equal(5, report.TotalRequests);
        Assert.Equal(10, report.AvgLatencyMs);
        Assert.InRange(report.P50LatencyMs!.Value, 9, 11);
        Assert.Equal(new ProviderMetrics(3, 2, 1), report.Providers["primary"]);
        Assert.Equal(new ProviderMetrics(1, 1, 0), report.Providers["fallback"]);
        Assert.Equal(12.3, report.UptimeSeconds);
    }
}
