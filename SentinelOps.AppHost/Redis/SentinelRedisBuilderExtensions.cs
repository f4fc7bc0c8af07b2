using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SentinelOps.AppHost.Containers;

namespace SentinelOps.AppHost.Redis;

/// <summary>
/// Uses the Redis given as <c>ConnectionStrings:redis</c> (or the seed's <c>REDIS_URL</c>) when there is one; otherwise adds
/// Redis as a container where a container runtime is healthy, or as a local <c>redis-server</c>.
/// </summary>
internal static class SentinelRedisBuilderExtensions
{
    public const string NotFoundMessage =
        "Sentinel-Ops needs Redis: start Docker or Podman, or install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) and run again.";

    /// <summary>Adds Redis under <paramref name="name"/>, choosing how to run it by <c>Redis:Mode</c> and detection.</summary>
    /// <returns>The resources to reference, or <see langword="null"/> when neither a container runtime nor <c>redis-server</c> is available.</returns>
    public static RedisResources? AddSentinelRedis(this IDistributedApplicationBuilder builder, string name)
    {
        // An existing Redis: consumers get its connection string and nothing is started (a deployment prompts for it).
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
        {
            return new RedisResources(builder.AddConnectionString(name), Server: null);
        }

        var mode = builder.Configuration.GetValue("Redis:Mode", RedisHostingMode.Auto);

        // A deployment manifest always describes the container; detection only matters for running here.
        if (builder.ExecutionContext.IsPublishMode || mode == RedisHostingMode.Container
            || (mode == RedisHostingMode.Auto && ContainerRuntime.IsHealthy))
        {
            var container = builder.AddRedis(name);
            return new RedisResources(container, container);
        }

        var redisServer = ContainerRuntime.FindOnPath("redis-server");
        return redisServer is null ? null : builder.AddRedisServerExecutable(name, redisServer);
    }

    /// <summary>Makes <paramref name="consumer"/> receive the Redis connection string and start once Redis answers.</summary>
    public static IResourceBuilder<T> WithRedis<T>(this IResourceBuilder<T> consumer, RedisResources redis)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        consumer.WithReference(redis.ConnectionString);
        return redis.Server is null ? consumer : consumer.WaitFor(redis.Server);
    }

    private static RedisResources AddRedisServerExecutable(this IDistributedApplicationBuilder builder, string name, string redisServer)
    {
        // One data directory per AppHost (named by its process id and a random suffix): the incident log survives a
        // restart of redis-server (append-only file), and no two AppHosts ever share files, not even two built in one
        // process (as tests do). Directories of processes no longer running are removed here.
        var root = Path.Combine(Path.GetTempPath(), "sentinel-ops-redis");
        RemoveStaleDataDirectories(root);
        var dataDirectory = Path.Combine(root, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);
        var server = builder.AddExecutable($"{name}-server", redisServer, dataDirectory)
            .WithEndpoint(name: "tcp", scheme: "tcp");
        var endpoint = server.GetEndpoint("tcp");

        // Loopback only; no snapshots, but an append-only file (fsync on every write; the writes are few), so stopping and starting
        // redis-server from the dashboard keeps the incidents and counters, as a durable log should.
        server.WithArgs(context =>
        {
            context.Args.Add("--port");
            context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            context.Args.Add("--bind");
            context.Args.Add("127.0.0.1");
            context.Args.Add("--dir");
            context.Args.Add(dataDirectory);
            context.Args.Add("--save");
            context.Args.Add(string.Empty);
            context.Args.Add("--appendonly");
            context.Args.Add("yes");
            context.Args.Add("--appendfsync");
            context.Args.Add("always");
        });

        var healthCheckName = $"{name}-server-ping";
        builder.Services.AddHealthChecks().AddRedis(_ => $"{endpoint.Host}:{endpoint.Port}", healthCheckName);
        server.WithHealthCheck(healthCheckName);

        var connectionString = builder.AddConnectionString(
            name,
            ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}"));
        return new RedisResources(connectionString, server);
    }

    private static void RemoveStaleDataDirectories(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(directory);
            var owner = name.Split('-')[0];
            if (int.TryParse(owner, out var pid) && pid != Environment.ProcessId && !IsRunning(pid))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Another AppHost may be cleaning up too; harmless.
                }
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
