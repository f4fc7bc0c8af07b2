using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// A real <c>redis-server</c> process on a loopback port, with append-only persistence in a temporary directory, so a
/// test can stop it and start it again with its data. The port is one the OS hands out, or one of the range in
/// <c>SENTINEL_TEST_PORT_RANGE</c> (e.g. <c>9300-9349</c>) when set; a port taken meanwhile by another server is
/// detected (by process id) and the next one tried.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly Lock PortGate = new();
    private static readonly (int First, int Last)? PortRange = ReadPortRange();
    private static int s_nextPort = PortRange?.First ?? 0;

    private readonly string _directory;
    private Process? _process;

    private RedisServer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        // Another process may take the port between the check and redis-server's bind: then try the next one.
        for (var attempt = 0; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("sentinel-redis-test-").FullName;
            var server = new RedisServer(NextFreePort(), directory);
            try
            {
                await server.StartAgainAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the process (again), on the same port and data directory, and waits until it answers.</summary>
    /// <exception cref="InvalidOperationException">The port is served by another redis-server than the one started.</exception>
    public async Task StartAgainAsync()
    {
        _process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "yes", "--appendfsync", "always"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at start (port {Port} taken?).");
            }

            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=1000");
                await connection.GetDatabase().PingAsync();

                // Make sure the server answering is ours, not one another test run left on this port.
                var info = (string?)await connection.GetDatabase().ExecuteAsync("INFO", "server");
                if (info is null || !info.Contains($"process_id:{_process.Id}\r\n", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Port {Port} is served by another redis-server.");
                }

                return;
            }
            catch (RedisConnectionException) when (!deadline.IsCancellationRequested)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops the process as an operator would (SIGTERM), and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(deadline.Token);
        _process.Dispose();
        _process = null;
    }

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    /// <summary>Suspends the process (SIGSTOP): connections stay open but nothing is answered, as with a hung server.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Resumes a frozen process (SIGCONT): it answers what it was sent meanwhile.</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start("kill", [signal, process.Id.ToString()]);
        await kill.WaitForExitAsync();
    }

    private static int NextFreePort()
    {
        if (PortRange is not { } range)
        {
            using var ephemeral = new TcpListener(IPAddress.Loopback, 0);
            ephemeral.Start();
            return ((IPEndPoint)ephemeral.LocalEndpoint).Port;
        }

        lock (PortGate)
        {
            for (var tries = 0; tries <= range.Last - range.First; tries++)
            {
                var port = s_nextPort;
                s_nextPort = port == range.Last ? range.First : port + 1;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                }
            }
        }

        throw new InvalidOperationException($"No free port in {range.First}-{range.Last}.");
    }

    private static (int, int)? ReadPortRange()
    {
        var parts = Environment.GetEnvironmentVariable("SENTINEL_TEST_PORT_RANGE")?.Split('-');
        return parts is [var first, var last] && int.TryParse(first, out var from) && int.TryParse(last, out var to) && from <= to
            ? (from, to)
            : null;
    }
}
