using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Playwright;
using SentinelOps.Gateway.Security;
using SentinelOps.Simulator;
using SentinelOps.Tests.Gateway.Security;
using SentinelOps.Tests.TestDoubles;
using static Microsoft.Playwright.Assertions;

namespace SentinelOps.Tests.Gateway.Operator;

/// <summary>The status page in headless Chromium against an in-process gateway: its WebSocket under the default policy.</summary>
public sealed class StatusPageLiveEventsTests
{
    [BrowserFact]
    public async Task ThePage_OpensItsWebSocket_WithATicket_UnderTheDefaultPolicy()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, SecurityTestKeys.Settings(),
            configure: builder => builder.Environment.WebRootFileProvider = new PhysicalFileProvider(GatewayWebRoot()));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                refused.Add(message.Text);
            }
        };

        // As if the operator had entered the key: the page keeps it in sessionStorage and trades it for a ticket.
        await page.AddInitScriptAsync($"sessionStorage.setItem('sentinel-ops.api-key', '{SecurityTestKeys.Chat}');");
        var response = await page.GotoAsync(gateway.BaseAddress.ToString(), new() { Timeout = 30_000 });

        Assert.Equal(SecurityHeadersOptions.DefaultContentSecurityPolicy, await response!.HeaderValueAsync("content-security-policy"));
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
        Assert.True(refused.Count == 0, "Refused by the Content-Security-Policy: " + string.Join(" | ", refused));
    }

    // This server's content root is the test's output folder: the page is served from the gateway's source folder.
    private static string GatewayWebRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var webRoot = Path.Combine(directory.FullName, "SentinelOps.Gateway", "wwwroot");
            if (Directory.Exists(webRoot))
            {
                return webRoot;
            }
        }

        throw new DirectoryNotFoundException("SentinelOps.Gateway/wwwroot was not found above " + AppContext.BaseDirectory);
    }
}
