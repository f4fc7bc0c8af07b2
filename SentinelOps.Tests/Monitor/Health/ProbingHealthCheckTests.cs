using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Monitor.Health;
using SentinelOps.Monitor.Probing;
using SentinelOps.Shared.Probing;

namespace SentinelOps.Tests.Monitor.Health;

public sealed class ProbingHealthCheckTests
{
    private static readonly ProviderHealthOptions Options = new() { HealthCheckInterval = TimeSpan.FromSeconds(15), ProbeTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Healthy_WhileCyclesComplete_UnhealthyAfterThreeMissedIntervals()
    {
        var time = new FakeTimeProvider();
        var clock = new ProbeCycleClock(time);
        var check = new ProbingHealthCheck(clock, Microsoft.Extensions.Options.Options.Create(Options), time);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status); // starting: within its grace
        time.Advance(TimeSpan.FromSeconds(2));
        clock.CycleCompleted();
        var healthy = await CheckAsync(check);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(time.GetUtcNow().ToString("O"), healthy.Data["last_cycle_at"]);
        Assert.Equal(1L, healthy.Data["cycles"]);

        time.Advance(TimeSpan.FromSeconds(50)); // 3 intervals + the probe timeout
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);
        time.Advance(TimeSpan.FromSeconds(1));
        var stuck = await CheckAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, stuck.Status);
        Assert.Equal("No probe cycle completed in the last 51 s (interval 15 s).", stuck.Description);
    }

    [Fact]
    public async Task Unhealthy_WhenNoCycleEverCompletes()
    {
        var time = new FakeTimeProvider();
        var check = new ProbingHealthCheck(new ProbeCycleClock(time), Microsoft.Extensions.Options.Options.Create(Options), time);

        time.Advance(TimeSpan.FromSeconds(51));

        var result = await CheckAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("never", result.Data["last_cycle_at"]);
    }

    private static Task<HealthCheckResult> CheckAsync(ProbingHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("probing", check, null, null) });
}
