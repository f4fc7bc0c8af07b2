using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Events;

/// <summary>The live event WebSocket <c>/ws/system-events</c> (configuration section <c>Gateway:Events</c>).</summary>
public sealed class SystemEventsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Events";

    /// <summary>Default of <see cref="HeartbeatInterval"/>: the seed's 30 s.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(30);

    /// <summary>How often each connected client gets a <c>heartbeat</c> event.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = DefaultHeartbeatInterval;

    /// <summary>Most WebSocket clients this replica serves at once; one more is refused with 503.</summary>
    [Range(1, 100_000)]
    public int MaxConnections { get; set; } = 100;

    /// <summary>Events that may wait for one client; a client that falls further behind is disconnected.</summary>
    [Range(1, 100_000)]
    public int ClientQueueCapacity { get; set; } = 256;

    /// <summary>Most missed incidents sent to a client resuming with <c>last_event_id</c> (the stream keeps about 500; at most 500).</summary>
    [Range(1, 500)]
    public int MaxResumedIncidents { get; set; } = 500;

    /// <summary>How long a closing handshake or a final <c>system</c> message may take before the connection is aborted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
