namespace SentinelOps.Gateway.Resilience.SharedCircuits;

/// <summary>This gateway process's name among its replicas: stable for its life, readable, and configurable.</summary>
/// <param name="Id">The name.</param>
public sealed record ReplicaIdentity(string Id)
{
    /// <summary>
    /// <paramref name="configured"/> when set; else what Aspire gives each replica (<c>OTEL_SERVICE_NAME</c> and the
    /// <c>service.instance.id</c> in <c>OTEL_RESOURCE_ATTRIBUTES</c>: <c>gateway-abcdefgh</c>, the replica's name in
    /// the dashboard); else <c>host-pid</c> (a container's host name is its replica's name).
    /// </summary>
    public static ReplicaIdentity Resolve(string? configured, string? serviceName, string? resourceAttributes)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new ReplicaIdentity(configured);
        }

        foreach (var attribute in (resourceAttributes ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (attribute.StartsWith("service.instance.id=", StringComparison.Ordinal) && attribute.Length > "service.instance.id=".Length)
            {
                var instance = attribute["service.instance.id=".Length..];
                return new ReplicaIdentity(string.IsNullOrWhiteSpace(serviceName) ? instance : $"{serviceName}-{instance}");
            }
        }

        return new ReplicaIdentity($"{Environment.MachineName}-{Environment.ProcessId}");
    }
}
