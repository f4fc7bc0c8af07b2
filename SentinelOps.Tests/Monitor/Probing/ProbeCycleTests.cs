using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Monitor;
using SentinelOps.Monitor.Probing;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Metrics;
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
    public async Task HealthyCycle_PublishesEachProvidersStatus_ThenMetrics_AndNoIncident()
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
    public async Task AProbeThatThrowsUnexpectedly_IsThatProvidersFailedProbe_TheOthersKeepTheirResults()
    {
        using var http = new HttpClient(new ThrowingHandler(_primary.ProviderEndpoint, new InvalidOperationException("handler bug, key sk-test-secret"))
        {
            InnerHandler = new HttpClientHandler(),
        });
        var clock = new ProbeCycleClock(TimeProvider.System);
        var cycle = CreateCycle(http, clock);

        await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(
            [EventTypes.ProviderStatus, EventTypes.ProviderStatus, EventTypes.Metrics],
            _events.Published.Select(e => e.EventType));
        var reports = _events.Published.Take(2).Select(e => Assert.IsType<ProviderStatusReport>(e.Payload)).ToArray();
        Assert.Equal(["primary", "fallback"], reports.Select(r => r.Provider));
        Assert.Equal(ProviderHealth.Down, reports[0].Status);
        Assert.Equal("probe failed unexpectedly (InvalidOperationException)", reports[0].Error);
        Assert.Equal(ProviderHealth.Healthy, reports[1].Status);
        Assert.Equal([(IncidentType.ProviderDown, "primary")], _events.Incidents.Select(i => (i.Type, i.Provider)));
        Assert.DoesNotContain("sk-test-secret", _events.Incidents.Single().Detail);
        Assert.Equal(1, clock.Cycles);
    }

    [Fact]
    public async Task CancellingTheCycle_StillCancelsIt()
    {
        using var http = new HttpClient();
        var cycle = CreateCycle(http, new ProbeCycleClock(TimeProvider.System));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cycle.RunAsync(cancelled.Token));

        Assert.Empty(_events.Published);
    }

    [Fact]
    public async Task Worker_RunsACycleAtStart_ThenOneEveryInterval()
    {
        var time = new TimerCountingFakeTimeProvider();
        using var http = new HttpClient();
        var clock = new ProbeCycleClock(time);
        var interval = TimeSpan.FromSeconds(15);
        var options = MsOptions.Create(new ProviderHealthOptions { HealthCheckInterval = interval });
        using var worker = new MonitorWorker(
            CreateCycle(http, clock, options.Value),
            new LastKnownStatusReader(new ServiceCollection().BuildServiceProvider(), NullLogger<LastKnownStatusReader>.Instance),
            options,
            time,
            NullLogger<MonitorWorker>.Instance);

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

    [Fact]
    public async Task RestartedMonitor_CarriesOnFromTheLastReportedStatus()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        await db.HashSetAsync(RedisKeys.ProviderStatus, "primary", """{"provider":"primary","status":"down","latency_ms":null,"p95_latency_ms":null,"success_rate_pct":0,"checked_at":"2026-11-28T12:00:00+00:00","error":"HTTP 503 (Service Unavailable)"}""");
        await db.HashSetAsync(RedisKeys.ProviderStatus, "fallback", "not json");
        var services = new ServiceCollection().AddSingleton<StackExchange.Redis.IConnectionMultiplexer>(connection).BuildServiceProvider();
        using var http = new HttpClient();
        var cycle = CreateCycle(http, new ProbeCycleClock(TimeProvider.System));

        var lastKnown = await new LastKnownStatusReader(services, NullLogger<LastKnownStatusReader>.Instance).ReadAsync(CancellationToken.None);
        cycle.Resume(lastKnown);
        await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(ProviderHealth.Down, Assert.Single(lastKnown).Value);
        // The primary was down when the last monitor stopped and answers now: the gateways hear it recovered.
        Assert.Equal([(IncidentType.ProviderRecovered, "primary")], _events.Incidents.Select(i => (i.Type, i.Provider)));
    }

    [Fact]
    public async Task NoRedis_StartsFromNoState()
    {
        var lastKnown = await new LastKnownStatusReader(new ServiceCollection().BuildServiceProvider(), NullLogger<LastKnownStatusReader>.Instance)
            .ReadAsync(CancellationToken.None);

        Assert.Empty(lastKnown);
    }

    [Fact]
    public async Task MetricsPayload_IsTheGatewaysTotals_WithTheFirstProviderNotDownAsActive()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        await connection.GetDatabase().HashSetAsync(RedisKeys.Metrics, [
            new(RequestMetricsFields.TotalRequests, 7),
            new(RequestMetricsFields.TotalSuccesses, 6),
            new(RequestMetricsFields.TotalFailures, 1),
            new(RequestMetricsFields.TotalFailovers, 2),
        ]);
        var services = new ServiceCollection().AddSingleton<StackExchange.Redis.IConnectionMultiplexer>(connection).BuildServiceProvider();
        using var http = new HttpClient();
        var cycle = CreateCycle(http, new ProbeCycleClock(TimeProvider.System));
        var source = new RedisMetricsPayloadSource(services, new Lazy<ProbeCycle>(cycle), TimeProvider.System, NullLogger<RedisMetricsPayloadSource>.Instance);
        await _primary.SetFaultAsync(new { mode = "error_503" });
        await cycle.RunAsync(CancellationToken.None);

        var report = Assert.IsType<MetricsReport>(await source.ReadAsync(CancellationToken.None));

        Assert.Equal(7, report.TotalRequests);
        Assert.Equal(6, report.TotalSuccesses);
        Assert.Equal(1, report.TotalFailures);
        Assert.Equal(2, report.TotalFailovers);
        Assert.Equal("fallback", report.ActiveProvider);
        var none = new RedisMetricsPayloadSource(new ServiceCollection().BuildServiceProvider(), new Lazy<ProbeCycle>(cycle), TimeProvider.System, NullLogger<RedisMetricsPayloadSource>.Instance);
        Assert.Null(await none.ReadAsync(CancellationToken.None));
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
            TimeProvider.System,
            NullLogger<ProbeCycle>.Instance);
    }

    // Throws for requests to one provider, as a bug in a handler or the prober might.
    private sealed class ThrowingHandler(Uri provider, Exception exception) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri?.Authority == provider.Authority ? throw exception : base.SendAsync(request, cancellationToken);
    }

    private sealed class MetricsSource : IMetricsPayloadSource
    {
        public static readonly object Payload = new { total_requests = 0 };

        public Task<object?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(Payload);
    }
}
