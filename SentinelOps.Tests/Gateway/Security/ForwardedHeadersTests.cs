using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>
/// The gateway behind a TLS-terminating proxy: its <c>X-Forwarded-*</c> headers count only from a known proxy
/// (<c>Gateway:ForwardedHeaders</c>), as the WebSocket origin check shows. The tests connect from 127.0.0.1.
/// </summary>
public sealed class ForwardedHeadersTests : TwoSimulatorsTest
{
    private const string PublicOrigin = "https://gw.example";

    [Theory]
    [InlineData("Gateway:ForwardedHeaders:KnownProxies:0", "127.0.0.1", HttpStatusCode.SwitchingProtocols)]
    [InlineData("Gateway:ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8", HttpStatusCode.SwitchingProtocols)]
    [InlineData(null, null, HttpStatusCode.SwitchingProtocols)] // none configured: ASP.NET's default, loopback only
    [InlineData("Gateway:ForwardedHeaders:KnownProxies:0", "10.9.9.9", HttpStatusCode.Forbidden)] // 127.0.0.1 is not it
    [InlineData("Gateway:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/8", HttpStatusCode.Forbidden)]
    public async Task AWebSocketFromTheProxysPublicOrigin_IsAccepted_OnlyFromAKnownProxy(string? key, string? value, HttpStatusCode expected)
    {
        var settings = SecurityTestKeys.Settings();
        if (key is not null)
        {
            settings[key] = value;
        }

        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, settings);
        var events = new UriBuilder(gateway.BaseAddress) { Scheme = "ws", Path = "/ws/system-events" }.Uri;

        // What a proxy answering https://gw.example sends on for a page it served.
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + SecurityTestKeys.Chat);
        socket.Options.SetRequestHeader("Origin", PublicOrigin);
        socket.Options.SetRequestHeader("X-Forwarded-Proto", "https");
        socket.Options.SetRequestHeader("X-Forwarded-Host", "gw.example");
        socket.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.7");
        try
        {
            await socket.ConnectAsync(events, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The status says why.
        }

        Assert.Equal(expected, socket.HttpStatusCode);
        if (socket.State == WebSocketState.Open)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("Gateway:ForwardedHeaders:KnownProxies:0", "not-an-ip")]
    [InlineData("Gateway:ForwardedHeaders:KnownNetworks:1", "10.0.0.0/99")]
    public async Task AMalformedProxySetting_StopsStartUp_NamingIt(string key, string value)
    {
        var settings = SecurityTestKeys.Settings();
        settings["Gateway:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8";
        settings[key] = value;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayServer.StartAsync(Primary, Fallback, settings));

        Assert.Contains(key, ex.Message);
    }
}
