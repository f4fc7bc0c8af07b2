using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Monitor;
using SentinelOps.Monitor.Probing;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Probing;
using SentinelOps.Shared.Providers;
using SentinelOps.Shared.Telemetry;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace SentinelOps.Tests.Monitor.Probing;

/// <summary>Probe cycles against two real simulators (loopback HTTP), reporting into a recording sink.</summary>
public sealed class ProbeCycleTests : IAsyncLifetime
{
    private readonly RecordingEventSink _events = new();
    private readonly TestMeterFactory _meters = new();
    private ProbeMetrics _probeMetrics = null!;
    private SimulatorServer _primary = null!;
    private SimulatorServer _fallback = null!;

    public async Task InitializeAsync()
    {
        _probeMetrics = new ProbeMetrics(_meters);
        _primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        _fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
    }

    public async Task DisposeAsync()
    {
        _meters.Dispose();
        await _primary.DisposeAsync();
        await _fallback.DisposeAsync();
    }

    [Fact]
    public async Task HealthyCycle_PublishesEachProvidersStatus_StoresIt_ThenMetrics_AndNoIncident()
    {
        using var http = new HttpClient();
        var clock = new ProbeCycleClock(TimeProvider.System);
        var cycle = CreateCycle(http, clock);

        await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(
            [EventTypes.ProviderStatus, EventTypes.ProviderStatus, EventTypes.Metrics],
            _events.Published.Select(e => e.EventType));
        var reports = _events.Published.Take(2).Select(e => Assert.IsType<ProviderStatusReport>(e.Payload)).ToArray();
        Assert.Equal(["primary", "fallback"], reports.Select(r => r.Provider));
        Assert.All(reports, r => Assert.Equal(ProviderHealth.Healthy, r.Status));
        Assert.Same(MetricsSource.Payload, _events.Published.Last().Payload);
        Assert.Empty(_events.Incidents);
        Assert.Equal(1, clock.Cycles);
        Assert.NotNull(clock.LastCompletedAt);
    }

    [Fact]
    public async Task Outage_RecordsProviderDownOnce_AndRestore_RecordsProviderRecovered()
    {
        using var http = new HttpClient();
        var cycle = CreateCycle(http, new ProbeCycleClock(TimeProvider.System));
        await cycle.RunAsync(CancellationToken.None);

        await _primary.SetFaultAsync(new { mode = "error_503" });
        await cycle.RunAsync(CancellationToken.None);
        await cycle.RunAsync(CancellationToken.None);
        await _primary.SetFaultAsync(new { mode = "healthy" });
        await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(
            [(IncidentType.ProviderDown, "primary"), (IncidentType.ProviderRecovered, "primary")],
            _events.Incidents.Select(i => (i.Type, i.Provider)));
        Assert.Equal("probe failed: HTTP 503 (Service Unavailable)", _events.Incidents.First().Detail);
        Assert.Equal(ProviderHealth.Healthy, cycle.Statuses["primary"]);
        Assert.Equal(
            ["healthy", "down", "down", "healthy"],
            _meters.Measurements.Where(m => Equals(m.Tags["provider"], "primary")).Select(m => (string)m.Tags["outcome"]!));
        Assert.All(_meters.Measurements, m => Assert.Equal(ProbeMetrics.ProbeDurationName, m.Instrument));
        Assert.Equal(0, (await _primary.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task Worker_RunsACycleAtStart_ThenOneEveryInterval()
    {
        var time = new TimerCountingFakeTimeProvider();
        using var http = new HttpClient();
        var clock = new ProbeCycleClock(time);
        var interval = TimeSpan.FromSeconds(15);
        var options = MsOptions.Create(new ProviderHealthOptions { HealthCheckInterval = interval });
        using var worker = new MonitorWorker(CreateCycle(http, clock, options.Value), options, time, NullLogger<MonitorWorker>.Instance);

        await worker.StartAsync(CancellationToken.None);
        await FakeTime.WaitUntilAsync(() => clock.Cycles == 1);
        await Task.Delay(100);
        Assert.Equal(1, clock.Cycles); // no second cycle without time passing

        time.Advance(interval - TimeSpan.FromMilliseconds(1));
        await Task.Delay(100);
        Assert.Equal(1, clock.Cycles);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await FakeTime.WaitUntilAsync(() => clock.Cycles == 2);

        await worker.StopAsync(CancellationToken.None);
    }

    private ProbeCycle CreateCycle(HttpClient http, ProbeCycleClock clock, ProviderHealthOptions? options = null)
    {
        var providers = new ProvidersOptions
        {
            Providers =
            [
                new() { Name = "primary", Kind = ProviderKind.OpenAI, Endpoint = _primary.ProviderEndpoint, Model = _primary.Model, Priority = 0 },
                new() { Name = "fallback", Kind = ProviderKind.Ollama, Endpoint = _fallback.ProviderEndpoint, Model = _fallback.Model, Priority = 1 },
            ],
        };
        return new ProbeCycle(
            new ProviderProber(http, TimeProvider.System),
            MsOptions.Create(providers),
            MsOptions.Create(options ?? new ProviderHealthOptions()),
            _events,
            _probeMetrics,
            new MetricsSource(),
            clock,
            NullLogger<ProbeCycle>.Instance);
    }

    private sealed class MetricsSource : IMetricsPayloadSource
    {
        public static readonly object Payload = new { total_requests = 0 };

        public Task<object?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(Payload);
    }
}
