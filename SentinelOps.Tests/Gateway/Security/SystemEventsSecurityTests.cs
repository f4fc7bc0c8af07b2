using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>The gateway's real <c>/ws/system-events</c> and probe endpoints under client keys.</summary>
public sealed class SystemEventsSecurityTests
{
    [Fact]
    public async Task TheEventSocket_NeedsAKeyOrTicket_AnAllowedOrigin_IsCapped_AndDropsAnOversizedMessage()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        var settings = SecurityTestKeys.Settings();
        settings["Gateway:WebSocket:MaxMessageBytes"] = "1024";
        settings["Gateway:Events:MaxConnections"] = "1";
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, settings);
        var events = new UriBuilder(gateway.BaseAddress) { Scheme = "ws", Path = "/ws/system-events" }.Uri;
        using var http = gateway.CreateClient(SecurityTestKeys.Chat);

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedWithAsync(events, origin: null, key: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedWithAsync(new Uri(events + "?ticket=made-up"), origin: null, key: null));
        Assert.Equal(HttpStatusCode.Forbidden, await RefusedWithAsync(events, origin: "https://evil.example.com", key: SecurityTestKeys.Chat));

        var ticket = JsonDocument.Parse(await (await http.PostAsync("/api/auth/ws-ticket", null)).Content.ReadAsStringAsync())
            .RootElement.GetProperty("ticket").GetString();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", gateway.BaseAddress.GetLeftPart(UriPartial.Authority));
        await socket.ConnectAsync(new Uri(events + "?ticket=" + ticket), CancellationToken.None);
        Assert.Contains("\"connected\"", await ReceiveTextAsync(socket));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await RefusedWithAsync(events, origin: null, key: SecurityTestKeys.Chat));

        await socket.SendAsync(new byte[4096], WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var farewell = await ReceiveTextAsync(socket);
        Assert.Contains("message_too_big", farewell);
    }

    [Fact]
    public async Task Probes_NeedTheAdminScope()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, SecurityTestKeys.Settings());
        using var chat = gateway.CreateClient(SecurityTestKeys.Chat);
        using var admin = gateway.CreateClient(SecurityTestKeys.Admin);
        using var nobody = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.PostAsync("/api/providers/primary/probe", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await chat.PostAsync("/api/providers/primary/probe", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/providers/primary/probe", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await chat.GetAsync("/api/metrics")).StatusCode);
    }

    private static async Task<HttpStatusCode> RefusedWithAsync(Uri url, string? origin, string? key)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, CancellationToken.None));
        return socket.HttpStatusCode;
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return text.Append("close ").Append(socket.CloseStatusDescription).ToString();
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (result.EndOfMessage)
            {
                return text.ToString();
            }
        }
    }
}
