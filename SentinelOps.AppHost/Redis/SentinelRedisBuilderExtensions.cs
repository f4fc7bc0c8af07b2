using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SentinelOps.AppHost.Redis;

/// <summary>Adds Redis as a container where a container runtime is healthy, or as a local <c>redis-server</c> otherwise.</summary>
internal static class SentinelRedisBuilderExtensions
{
    public const string NotFoundMessage =
        "Sentinel-Ops needs Redis: start Docker or Podman, or install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) and run again.";

    private static readonly TimeSpan RuntimeCheckTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Adds Redis under <paramref name="name"/>, choosing how to run it by <c>Redis:Mode</c> and detection.</summary>
    /// <returns>The resources to reference, or <see langword="null"/> when neither a container runtime nor <c>redis-server</c> is available.</returns>
    public static RedisResources? AddSentinelRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var mode = builder.Configuration.GetValue("Redis:Mode", RedisHostingMode.Auto);

        // A deployment manifest always describes the container; detection only matters for running here.
        if (builder.ExecutionContext.IsPublishMode || mode == RedisHostingMode.Container
            || (mode == RedisHostingMode.Auto && ContainerRuntimeIsHealthy()))
        {
            var container = builder.AddRedis(name);
            return new RedisResources(container, container);
        }

        var redisServer = FindOnPath("redis-server");
        return redisServer is null ? null : builder.AddRedisServerExecutable(name, redisServer);
    }

    /// <summary>Makes <paramref name="consumer"/> receive the Redis connection string and start once Redis answers.</summary>
    public static IResourceBuilder<T> WithRedis<T>(this IResourceBuilder<T> consumer, RedisResources redis)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
        consumer.WithReference(redis.ConnectionString).WaitFor(redis.Server);

    private static RedisResources AddRedisServerExecutable(this IDistributedApplicationBuilder builder, string name, string redisServer)
    {
        // One data directory per AppHost run (named by its process id): the incident log survives a restart of
        // redis-server (append-only file), and parallel AppHosts on one machine never share files.
        // Directories of AppHosts no longer running are removed here.
        var root = Path.Combine(Path.GetTempPath(), "sentinel-ops-redis");
        RemoveStaleDataDirectories(root);
        var dataDirectory = Path.Combine(root, $"{Environment.ProcessId}");
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

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
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != Environment.ProcessId && !IsRunning(pid))
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

    private static bool ContainerRuntimeIsHealthy()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
            ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME")
            ?? "docker";
        if (FindOnPath(runtime) is not { } executable)
        {
            return false;
        }

        // The same probe Aspire uses: a client with no engine behind it fails here.
        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, ["container", "ls", "-n", "1"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(RuntimeCheckTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => OperatingSystem.IsWindows()
                ? new[] { Path.Combine(directory, command + ".exe") }
                : [Path.Combine(directory, command)])
            .FirstOrDefault(File.Exists);
}
