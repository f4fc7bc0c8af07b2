namespace SentinelOps.AppHost.Redis;

/// <summary>How the AppHost runs Redis (configuration key <c>Redis:Mode</c>).</summary>
internal enum RedisHostingMode
{
    /// <summary>A container when a container runtime answers, else a local <c>redis-server</c>.</summary>
    Auto,

    /// <summary>Always the <c>redis</c> container (Aspire's <c>AddRedis</c>).</summary>
    Container,

    /// <summary>Always a local <c>redis-server</c> executable.</summary>
    Executable,
}
