using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Apis;

/// <summary><c>WS /ws/system-events</c>'s answers before the upgrade, through real HTTP.</summary>
public sealed class SystemEventsApiTests : TwoSimulatorsTest
{
    [Theory]
    [InlineData("99999999999999999999-0")] // 20 digits, over 2^64 - 1: Redis would refuse the range after the upgrade
    [InlineData("0-18446744073709551616")]
    [InlineData("abc")]
    public async Task ALastEventIdRedisCannotRead_Gets400NamingIt_BeforeTheUpgrade(string lastEventId)
    {
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback);
        using var http = gateway.CreateClient();

        using var response = await http.SendAsync(Upgrade("/ws/system-events?last_event_id=" + lastEventId));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("last_event_id", out _));
    }

    // A WebSocket handshake (RFC 6455) as a plain request, so a refusal's body can be read.
    private static HttpRequestMessage Upgrade(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
        return request;
    }
}
