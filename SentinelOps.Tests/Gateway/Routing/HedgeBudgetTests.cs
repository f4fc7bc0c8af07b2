using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Routing;

namespace SentinelOps.Tests.Gateway.Routing;

public sealed class HedgeBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Over1000RequestsInAMinute_AtMostTheirShareIsHedged_AndTheNextMinuteStartsAfresh()
    {
        var budget = new HedgeBudget(10, _time);

        // Every request asks for a hedge, a minute's worth spread over its 60 s.
        var granted = 0;
        for (var i = 0; i < 1000; i++)
        {
            budget.RecordRequest();
            granted += budget.TryAcquire() ? 1 : 0;
            Assert.True(granted <= (i + 1) / 10, $"{granted} hedges after {i + 1} requests");
            _time.Advance(TimeSpan.FromMilliseconds(59));
        }

        Assert.Equal(100, granted);
        Assert.False(budget.TryAcquire());

        _time.Advance(TimeSpan.FromSeconds(1)); // 60 s: a new window
        Assert.False(budget.TryAcquire());
        for (var i = 0; i < 9; i++)
        {
            budget.RecordRequest();
        }

        Assert.False(budget.TryAcquire());
        budget.RecordRequest();
        Assert.True(budget.TryAcquire());
        budget.Return();
        Assert.True(budget.TryAcquire());
    }

    [Fact]
    public void ABudgetOfZero_NeverHedges_AndOneOf100_HedgesEveryRequest()
    {
        var none = new HedgeBudget(0, _time);
        var all = new HedgeBudget(100, _time);
        for (var i = 0; i < 50; i++)
        {
            none.RecordRequest();
            all.RecordRequest();
            Assert.False(none.TryAcquire());
            Assert.True(all.TryAcquire());
        }
    }
}
