using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// The parts of Ollama's API the AppHost's model pull uses (<c>/</c>, <c>/api/tags</c>, <c>/api/pull</c> with
/// newline-delimited progress), on Kestrel at a free loopback port.
/// </summary>
internal sealed class FakeOllamaServer : IAsyncDisposable
{
    private WebApplication _app = null!;
    private int _refusalsLeft;

    private FakeOllamaServer(int refusals) => _refusalsLeft = refusals;

    public Uri Address { get; private set; } = null!;

    /// <summary>The models the server lists; a successful pull adds one.</summary>
    public ConcurrentBag<string> Models { get; } = [];

    /// <summary>Bodies of the pull requests received.</summary>
    public ConcurrentQueue<string> PullRequests { get; } = new();

    /// <summary>The layer the pull reports, in bytes, and how many progress lines it sends for it.</summary>
    public (long Size, int Steps) Layer { get; set; } = (2_000_000_000, 50);

    /// <summary>An error line instead of the download.</summary>
    public string? PullError { get; set; }

    /// <summary>Starts the server; its root answers 503 to the first <paramref name="refusals"/> requests, as a server still starting.</summary>
    public static async Task<FakeOllamaServer> StartAsync(int refusals = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeOllamaServer(refusals) { _app = app };
        app.MapGet("/", () => Interlocked.Decrement(ref server._refusalsLeft) >= 0
            ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : Results.Text("Ollama is running"));
        app.MapGet("/api/tags", () => Results.Json(new
        {
            models = server.Models.Select(name => new { name, model = name, modified_at = "2026-01-01T00:00:00Z", size = 1L, digest = "sha256:0" }),
        }));
        app.MapPost("/api/pull", server.PullAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.Address = new Uri(address + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task PullAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        PullRequests.Enqueue(body);
        context.Response.ContentType = "application/x-ndjson";
        await WriteLineAsync(context, "{\"status\":\"pulling manifest\"}");
        if (PullError is { } error)
        {
            await WriteLineAsync(context, $"{{\"error\":\"{error}\"}}");
            return;
        }

        var (size, steps) = Layer;
        for (var i = 1; i <= steps; i++)
        {
            await WriteLineAsync(context, $"{{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5aa3fc5ff\",\"total\":{size},\"completed\":{size * i / steps}}}");
        }

        await WriteLineAsync(context, "{\"status\":\"verifying sha256 digest\"}");
        await WriteLineAsync(context, "{\"status\":\"writing manifest\"}");
        Models.Add("llama3.2:latest");
        await WriteLineAsync(context, "{\"status\":\"success\"}");
    }

    private static async Task WriteLineAsync(HttpContext context, string line)
    {
        await context.Response.WriteAsync(line + "\n");
        await context.Response.Body.FlushAsync();
    }
}
