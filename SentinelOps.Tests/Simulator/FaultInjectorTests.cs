using Microsoft.Extensions.Time.Testing;
using SentinelOps.Simulator.Faults;

namespace SentinelOps.Tests.Simulator;

public sealed class FaultInjectorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void NoFault_ByDefault_AndEveryRequestIsCounted()
    {
        var faults = new FaultInjector(_time);

        Assert.Equal(FaultMode.Healthy, faults.Admit(isChat: true).Mode);
        Assert.Equal(FaultMode.Healthy, faults.Admit(isChat: false).Mode);

        Assert.Equal(new SimulatorStats(2, 1, 0), faults.GetStats());
    }

    [Fact]
    public void FaultForNRequests_ClearsItselfAfterTheNth()
    {
        var faults = new FaultInjector(_time);
        faults.Set(new FaultRequest { Mode = FaultMode.Error500, Requests = 2 });

        Assert.Equal(FaultMode.Error500, faults.Admit(isChat: true).Mode);
        Assert.Equal(1, faults.GetStatus().RemainingRequests);
        Assert.Equal(FaultMode.Error500, faults.Admit(isChat: true).Mode);
        Assert.Equal(FaultMode.Healthy, faults.Admit(isChat: true).Mode);
        Assert.Equal(FaultMode.Healthy, faults.GetStatus().Mode);
        Assert.Equal(2, faults.GetStats().FaultedRequests);
    }

    [Fact]
    public void FaultForADuration_ClearsItselfWhenTheTimeIsUp()
    {
        var faults = new FaultInjector(_time);
        faults.Set(new FaultRequest { Mode = FaultMode.Error503, DurationSeconds = 30 });

        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.Equal(FaultMode.Error503, faults.Admit(isChat: true).Mode);
        Assert.Equal(_time.GetUtcNow().AddSeconds(0.1), faults.GetStatus().ExpiresAt);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(FaultMode.Healthy, faults.Admit(isChat: true).Mode);
    }

    [Fact]
    public void FaultParameters_ReachTheRequest_WithDefaults()
    {
        var faults = new FaultInjector(_time);

        faults.Set(new FaultRequest { Mode = FaultMode.RateLimited, RetryAfterSeconds = 7 });
        Assert.Equal(TimeSpan.FromSeconds(7), faults.Admit(isChat: true).RetryAfter);

        faults.Set(new FaultRequest { Mode = FaultMode.StreamCut });
        Assert.Equal(2, faults.Admit(isChat: true, isStreaming: true).AfterChunks);

        faults.Set(new FaultRequest { Mode = FaultMode.Latency, LatencyMs = 1500 });
        Assert.Equal(TimeSpan.FromMilliseconds(1500), faults.Admit(isChat: true).Latency);
    }

    [Fact]
    public void StreamCut_StrikesOnlyStreams_AndOtherRequestsDoNotUseUpItsCount()
    {
        var faults = new FaultInjector(_time);
        faults.Set(new FaultRequest { Mode = FaultMode.StreamCut, Requests = 1 });

        Assert.Equal(FaultMode.Healthy, faults.Admit(isChat: true, isStreaming: false).Mode);
        Assert.Equal(FaultMode.Healthy, faults.Admit(isChat: false).Mode);
        Assert.Equal(FaultMode.StreamCut, faults.Admit(isChat: true, isStreaming: true).Mode);
        Assert.Equal(FaultMode.Healthy, faults.Admit(isChat: true, isStreaming: true).Mode);
        Assert.Equal(1, faults.GetStats().FaultedRequests);
    }

    [Fact]
    public void Restore_ReleasesRequestsHangingUnderTheOldFault()
    {
        var faults = new FaultInjector(_time);
        faults.Set(new FaultRequest { Mode = FaultMode.Hang });
        var hung = faults.Admit(isChat: true);
        Assert.False(hung.Released.IsCancellationRequested);

        faults.Restore();

        Assert.True(hung.Released.IsCancellationRequested);
        Assert.Equal(FaultMode.Healthy, faults.Admit(isChat: true).Mode);
    }

    [Fact]
    public void ResetStats_ZeroesTheCounters()
    {
        var faults = new FaultInjector(_time);
        faults.Admit(isChat: true);

        faults.ResetStats();

        Assert.Equal(new SimulatorStats(0, 0, 0), faults.GetStats());
    }

    [Theory]
    [InlineData(null, null, null, "mode")]
    [InlineData(FaultMode.Latency, null, null, "latency_ms")]
    [InlineData(FaultMode.Error500, -1, null, "requests")]
    [InlineData(FaultMode.Error500, null, 0d, "duration_seconds")]
    public void Validate_NamesTheBadField(FaultMode? mode, int? requests, double? duration, string field)
    {
        var errors = new FaultRequest { Mode = mode, Requests = requests, DurationSeconds = duration }.Validate();

        Assert.Contains(field, errors.Keys);
    }
}
