using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SentinelOps.Shared.Events;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>A host with just <c>AddSentinelEvents</c> against a test Redis, as a service would register it.</summary>
internal sealed class EventsHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EventsHost(IHost host) => _host = host;

    public RedisSentinelEventSink Sink => _host.Services.GetRequiredService<RedisSentinelEventSink>();

    public IncidentReader Reader => _host.Services.GetRequiredService<IncidentReader>();

    public IServiceProvider Services => _host.Services;

    public static async Task<EventsHost> StartAsync(string? connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = connectionString,
            ["Sentinel:Events:RetryInterval"] = "00:00:00.100",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddSentinelEvents();
        var host = builder.Build();
        await host.StartAsync();
        return new EventsHost(host);
    }

    public async Task<HealthReport> CheckHealthAsync() =>
        await _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    /// <summary>Waits until the outbox is empty (bounded).</summary>
    public async Task WaitUntilFlushedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (Sink.PendingIncidents > 0)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
