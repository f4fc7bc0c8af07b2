using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Security;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>Client keys, scopes, rate limits, open mode, security headers and WebSocket access, through real HTTP.</summary>
public sealed class ClientAuthenticationTests : TwoSimulatorsTest
{
    private static readonly object Hello = new { messages = new[] { new { role = "user", content = "hello" } } };

    [Fact]
    public async Task AKeyOverItsLimit_Gets429WithRetryAfter_WhileAnotherKeySeesNoRejection()
    {
        var settings = SecurityTestKeys.Settings();
        settings["Gateway:RateLimit:PermitLimit"] = "5";
        settings["Gateway:RateLimit:Window"] = "01:00:00";
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, settings);
        using var noisy = gateway.CreateClient(SecurityTestKeys.Chat);
        using var quiet = gateway.CreateClient(SecurityTestKeys.Other);

        var noisyStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await noisy.PostAsJsonAsync("/api/chat", Hello);
            noisyStatuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("rate_limit", await response.Content.ReadAsStringAsync());
            }
        }

        var quietStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await quiet.PostAsJsonAsync("/api/chat", Hello);
            quietStatuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], noisyStatuses);
        Assert.All(quietStatuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(10, (await Primary.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task AKeyAtItsConcurrencyCap_Gets429_WhileAnotherKeyIsServed()
    {
        var settings = SecurityTestKeys.Settings();
        settings["Gateway:RateLimit:ConcurrencyLimit"] = "1";
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, settings);
        using var noisy = gateway.CreateClient(SecurityTestKeys.Chat);
        using var quiet = gateway.CreateClient(SecurityTestKeys.Other);
        await Primary.SetFaultAsync(new { mode = "hang", requests = 1 });

        var hanging = noisy.PostAsJsonAsync("/api/chat", Hello);
        await WaitUntilAsync(async () => (await Primary.GetStatsAsync()).ChatRequests == 1);
        using var second = await noisy.PostAsJsonAsync("/api/chat", Hello);
        using var other = await quiet.PostAsJsonAsync("/api/chat", Hello);
        await Primary.SetFaultAsync(new { mode = "healthy" });
        using var first = await hanging;

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    [Fact]
    public async Task KeysAreAccepted_AsBearerOrApiKeyHeader_AndHealthStaysOpen()
    {
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, SecurityTestKeys.Settings());
        using var http = gateway.CreateClient();

        using var bearer = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(Hello) };
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecurityTestKeys.Chat);
        using var apiKey = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "any", messages = new[] { new { role = "user", content = "hi" } } }),
        };
        apiKey.Headers.Add("x-api-key", SecurityTestKeys.Other);

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/providers/status")).StatusCode);
        using var reader = gateway.CreateClient(SecurityTestKeys.Admin);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/providers/status")).StatusCode);
    }

    [Fact]
    public async Task WithNoKeys_InDevelopment_TheGatewayRunsOpen_AndSaysSo()
    {
        var logs = new ListLoggerProvider();
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, configure: builder => builder.Logging.AddProvider(logs));
        using var http = gateway.CreateClient();

        using var response = await http.PostAsJsonAsync("/api/chat", Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("OPEN", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("production")]
    [InlineData("prod")]
    public async Task WithNoKeys_InProduction_TheGatewayRefusesToStart(string? appEnv)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            GatewayServer.StartAsync(Primary, Fallback, new Dictionary<string, string?> { ["APP_ENV"] = appEnv }));

        Assert.Contains("APP_ENV", ex.Message);
        Assert.Contains("Gateway:Auth:Keys", ex.Message);
    }

    [Fact]
    public async Task InProduction_WithKeys_TheGatewayStarts()
    {
        var settings = SecurityTestKeys.Settings();
        settings["APP_ENV"] = "production";
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, settings);
        using var http = gateway.CreateClient(SecurityTestKeys.Chat);

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/chat", Hello)).StatusCode);
    }

    [Theory]
    [InlineData("Gateway:Auth:Keys:0:Sha256", "not-hex", "Gateway:Auth:Keys:0:Sha256")]
    [InlineData("Gateway:Auth:Keys:0:Scopes:0", "root", "Gateway:Auth:Keys:0:Scopes")]
    [InlineData("Gateway:Auth:Keys:1:Name", "chat-client", "Gateway:Auth:Keys:1:Name")]
    public async Task ABadKeySetting_StopsStartUp_NamingIt(string key, string value, string named)
    {
        var settings = SecurityTestKeys.Settings();
        settings[key] = value;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayServer.StartAsync(Primary, Fallback, settings));

        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public async Task EveryResponse_CarriesSecurityHeadersAndARequestId_HonouringASaneOne()
    {
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, SecurityTestKeys.Settings());
        using var http = gateway.CreateClient();

        foreach (var path in new[] { "/health", "/api/providers/status", "/no-such-page" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("x-request-id").Single()));
        }

        using var sane = new HttpRequestMessage(HttpMethod.Get, "/health");
        sane.Headers.Add("x-request-id", "client-req-42");
        Assert.Equal("client-req-42", (await http.SendAsync(sane)).Headers.GetValues("x-request-id").Single());
        using var insane = new HttpRequestMessage(HttpMethod.Get, "/health");
        insane.Headers.Add("x-request-id", new string('a', 500));
        Assert.NotEqual(new string('a', 500), (await http.SendAsync(insane)).Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task AnEndpointThatThrows_Gets500_StillCarryingTheSecurityHeadersAndTheRequestId()
    {
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, SecurityTestKeys.Settings(), map: app =>
            app.MapGet("/test/throws", string () => throw new InvalidOperationException("boom")).AllowAnonymous());
        using var http = gateway.CreateClient();

        using var anonymous = await http.GetAsync("/test/throws");
        using var correlated = new HttpRequestMessage(HttpMethod.Get, "/test/throws");
        correlated.Headers.Add("x-request-id", "client-req-500");
        using var withId = await http.SendAsync(correlated);

        foreach (var response in new[] { anonymous, withId })
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("x-request-id").Single()));
            Assert.DoesNotContain("boom", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("client-req-500", withId.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task AWebSocket_OpensWithASingleUseTicket_FromAnAllowedOrigin()
    {
        var settings = SecurityTestKeys.Settings();
        settings["Gateway:WebSocket:AllowedOrigins:0"] = "https://ops.example.com";
        await using var gateway = await GatewayServer.StartAsync(Primary, Fallback, settings, map: app =>
        {
            app.UseWebSockets();
            app.Map("/test/ws", async context =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var buffer = new byte[16];
                while (!(await socket.ReceiveAsync(buffer, context.RequestAborted)).CloseStatus.HasValue)
                {
                }

                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }).RequireWebSocketAccess();
        });
        using var http = gateway.CreateClient(SecurityTestKeys.Chat);
        var wsBase = new UriBuilder(gateway.BaseAddress) { Scheme = "ws" }.Uri;

        using var keyless = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyless.PostAsync("/api/auth/ws-ticket", null)).StatusCode);
        using var ticketResponse = await http.PostAsync("/api/auth/ws-ticket", null);
        var ticket = JsonDocument.Parse(await ticketResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(30, ticket.GetProperty("expires_in_seconds").GetInt32());
        var url = new Uri(wsBase, "test/ws?ticket=" + ticket.GetProperty("ticket").GetString());

        using var first = await ConnectAsync(url, "https://ops.example.com");
        Assert.Equal(WebSocketState.Open, first.State);
        var reused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(url, "https://ops.example.com"));
        Assert.Contains("401", reused.Message);

        var fromElsewhere = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(new Uri(wsBase, "test/ws"), "https://evil.example.com", SecurityTestKeys.Chat));
        Assert.Contains("403", fromElsewhere.Message);
        var noKey = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(new Uri(wsBase, "test/ws"), null));
        Assert.Contains("401", noKey.Message);

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri url, string? origin, string? key = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }

        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(url, CancellationToken.None);
            return socket;
        }
        catch (WebSocketException ex)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw new WebSocketException($"{status}: {ex.Message}");
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
