using System.Diagnostics;

namespace SentinelOps.AppHost.Containers;

/// <summary>Whether a container engine answers here, and where local executables are.</summary>
internal static class ContainerRuntime
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    // Checked once per AppHost: Redis and Ollama both ask, and the probe starts a process.
    private static readonly Lazy<bool> Healthy = new(Probe);

    /// <summary>True when the configured runtime (Docker by default, or <c>ASPIRE_CONTAINER_RUNTIME</c>) has an engine behind it.</summary>
    public static bool IsHealthy => Healthy.Value;

    /// <summary>The full path of <paramref name="command"/> on the <c>PATH</c>, if any.</summary>
    public static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => OperatingSystem.IsWindows()
                ? new[] { Path.Combine(directory, command + ".exe") }
                : [Path.Combine(directory, command)])
            .FirstOrDefault(File.Exists);

    private static bool Probe()
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

            if (!process.WaitForExit(CheckTimeout))
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
}
