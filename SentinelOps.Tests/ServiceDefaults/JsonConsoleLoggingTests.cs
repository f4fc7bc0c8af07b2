using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace SentinelOps.Tests.ServiceDefaults;

/// <summary>LOG_FORMAT=json: one JSON object per console line, and the lines of a request carry its trace and request ids.</summary>
public sealed class JsonConsoleLoggingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AServiceWithLogFormatJson_WritesJsonLines_WithTraceAndRequestIdsOnEveryLineOfARequest()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var lines = new ConcurrentQueue<string>();

        // Port 0: the simulator binds a port of its own and says which, so no other test's server can answer for it.
        using var simulator = StartSimulator(0, lines);
        try
        {
            var port = 0;
            await WaitUntilAsync(() => Task.FromResult((port = ListeningPort(lines)) > 0));
            using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilAsync(async () => await AnswersAsync(http));
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
            await WaitUntilAsync(() => Task.FromResult(lines.Count(l => l.Contains(traceId, StringComparison.Ordinal)) >= 2));
        }
        finally
        {
            simulator.Kill(entireProcessTree: true);
            await simulator.WaitForExitAsync();
        }

        var entries = lines.Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(entries, e => Assert.True(e.TryGetProperty("Timestamp", out _) && e.TryGetProperty("Category", out _) && e.TryGetProperty("Message", out _)));
        var requestLines = entries.Where(e => e.GetRawText().Contains(traceId, StringComparison.Ordinal)).ToList();
        Assert.Contains(requestLines, e => e.GetProperty("Message").GetString()!.StartsWith("Request starting", StringComparison.Ordinal));
        Assert.Contains(requestLines, e => e.GetProperty("Message").GetString()!.StartsWith("Request finished", StringComparison.Ordinal));
        Assert.All(requestLines, e =>
        {
            var scopes = e.GetProperty("Scopes").EnumerateArray().ToList();
            Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var id) && id.GetString() == traceId);
            Assert.Contains(scopes, s => s.TryGetProperty("SpanId", out _));
            Assert.Contains(scopes, s => s.TryGetProperty("RequestId", out var id) && !string.IsNullOrEmpty(id.GetString()));
        });
    }

    [Theory]
    [InlineData("LOG_FORMAT", "json")]
    [InlineData("LOG_FORMAT", " JSON ")]
    [InlineData("Logging:Console:FormatterName", "json")]
    public void EitherSwitch_SelectsTheJsonFormatter_WithScopes(string key, string value)
    {
        using var host = BuildHost(key, value);

        Assert.Equal(ConsoleFormatterNames.Json, host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.True(host.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes);
    }

    [Fact]
    public void TextOrNothing_KeepsPlainText()
    {
        using var host = BuildHost("LOG_FORMAT", "text");

        Assert.NotEqual(ConsoleFormatterNames.Json, host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public void AnUnknownFormat_StopsStartUp_NamingTheVariable()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => BuildHost("LOG_FORMAT", "xml"));

        Assert.Contains("LOG_FORMAT", ex.Message);
    }

    private static IHost BuildHost(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.ConfigureConsoleLogging();
        return builder.Build();
    }

    // The simulator as its own process (its own console), built next to this test assembly's configuration.
    private static Process StartSimulator(int port, ConcurrentQueue<string> lines)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var project = Path.GetDirectoryName(new Projects.SentinelOps_Simulator().ProjectPath)!;
        var assembly = Path.Combine(project, "bin", configuration, "net10.0", "SentinelOps.Simulator.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["LOG_FORMAT"] = "json";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Simulator__Protocol"] = "OpenAI";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int ListeningPort(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, @"Now listening on: http://127\.0\.0\.1:(\d+)");
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static async Task<bool> AnswersAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("health")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }
}
