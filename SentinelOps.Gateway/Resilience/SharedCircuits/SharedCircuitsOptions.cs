using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Resilience.SharedCircuits;

/// <summary>How gateway replicas share their circuits through Redis (section <c>Gateway:SharedCircuits</c>).</summary>
public sealed class SharedCircuitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:SharedCircuits";

    /// <summary>The default for <see cref="RedisTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRedisTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Whether replicas tell each other when they open a circuit and take a lease for each break's trial (default
    /// <see langword="true"/>; without Redis there is nothing to share and each replica keeps its own circuits).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// This replica's name in decisions and on the status page. Default: the Aspire replica's instance name
    /// (<c>OTEL_SERVICE_NAME</c>-<c>service.instance.id</c>), else host name and process id.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._:-]{1,64}$", ErrorMessage = "Gateway:SharedCircuits:ReplicaId must be 1-64 letters, digits, '.', '_', ':' or '-'.")]
    public string? ReplicaId { get; set; }

    /// <summary>
    /// The longest the trial lease may add to the one request that asks for it, once per break (default 250 ms). Redis
    /// answering later, or not connected, and the replica sends its own trial.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05", ErrorMessage = "Gateway:SharedCircuits:RedisTimeout must be between 10 ms and 5 s.")]
    public TimeSpan RedisTimeout { get; set; } = DefaultRedisTimeout;

    /// <summary>
    /// How long a replica holds a break's trial lease: the longest its trial can take (default: <c>Gateway:Timeouts:Attempt</c>).
    /// Past it, with no verdict heard, another replica may take the lease and try.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00", ErrorMessage = "Gateway:SharedCircuits:TrialLeaseTime must be between 100 ms and 30 min.")]
    public TimeSpan? TrialLeaseTime { get; set; }
}
