using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Metrics;

namespace SentinelOps.Tests.Gateway.Metrics;

/// <summary>Each provider's share of recent answers: counted per answer, fading with the window's time constant.</summary>
public sealed class TrafficShareTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new();
    private readonly TrafficShare _share;

    public TrafficShareTests() => _share = new TrafficShare(["primary", "fallback"], Window, _time);

    [Fact]
    public void BeforeAnyAnswer_EveryShareIsUnknown()
    {
        Assert.Equal([("fallback", null), ("primary", null)], Sorted(_share.Shares()));
    }

    [Fact]
    public void AnswersAtOnce_CountOneEach_AndAnswersFromOthersAreIgnored()
    {
        _share.RecordAnswer("primary");
        _share.RecordAnswer("primary");
        _share.RecordAnswer("primary");
        _share.RecordAnswer("fallback");
        _share.RecordAnswer("cache");

        var shares = _share.Shares();

        Assert.Equal(2, shares.Count);
        Assert.Equal(0.75, shares["primary"]!.Value, precision: 9);
        Assert.Equal(0.25, shares["fallback"]!.Value, precision: 9);
    }

    [Fact]
    public void AnAnswer_FadesByEPerWindow()
    {
        _share.RecordAnswer("primary");
        _time.Advance(Window);
        _share.RecordAnswer("fallback");

        var shares = _share.Shares();

        var faded = Math.Exp(-1);
        Assert.Equal(faded / (1 + faded), shares["primary"]!.Value, precision: 9);
        Assert.Equal(1 / (1 + faded), shares["fallback"]!.Value, precision: 9);
    }

    [Fact]
    public void AfterALongQuiet_EveryShareIsUnknownAgain()
    {
        _share.RecordAnswer("primary");
        _time.Advance(Window * 2);
        Assert.Equal(1.0, _share.Shares()["primary"]!.Value, precision: 9);

        _time.Advance(Window * 60);

        Assert.Equal([("fallback", null), ("primary", null)], Sorted(_share.Shares()));
    }

    private static (string, double?)[] Sorted(Dictionary<string, double?> shares) =>
        [.. shares.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value))];
}
