using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Gateway.Security;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>The authentication handler as the gateway registers it, driven without a server.</summary>
public sealed class ApiKeyAuthenticationHandlerTests : IDisposable
{
    private readonly IHost _host;

    public ApiKeyAuthenticationHandlerTests()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(SecurityTestKeys.Settings());
        builder.AddGatewaySecurity();
        _host = builder.Build();
    }

    [Fact]
    public async Task TenThousandTicketLogins_LeaveTheLoginCacheFlat()
    {
        var tickets = _host.Services.GetRequiredService<WebSocketTicketService>();
        var before = ApiKeyAuthenticationHandler.CachedLoginCount;

        for (var i = 0; i < 10_000; i++)
        {
            // As POST /api/auth/ws-ticket does: each ticket holds an identity built for it from the caller's claims.
            var ticket = tickets.Issue(new ClientIdentity("chat-client", [ClientScopes.Chat]))!;
            var result = await AuthenticateWebSocketAsync(ticket);
            Assert.True(result.Succeeded);
            Assert.Equal("chat-client", result.Principal!.Identity!.Name);
        }

        // Other test classes' gateways may cache their few keys meanwhile; a leak would add 10,000.
        Assert.InRange(ApiKeyAuthenticationHandler.CachedLoginCount - before, 0, 50);
    }

    [Fact]
    public async Task AKeyLogin_IsBuiltOnce_AndReused()
    {
        var first = await AuthenticateWithKeyAsync(SecurityTestKeys.Admin);
        var second = await AuthenticateWithKeyAsync(SecurityTestKeys.Admin);

        Assert.True(first.Succeeded);
        Assert.Same(first.Principal, second.Principal);
    }

    public void Dispose() => _host.Dispose();

    private async Task<AuthenticateResult> AuthenticateWebSocketAsync(string ticket)
    {
        using var scope = _host.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(WebSocketEndpointMetadata.Instance), "ws"));
        context.Request.QueryString = QueryString.Create("ticket", ticket);
        return await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
    }

    private async Task<AuthenticateResult> AuthenticateWithKeyAsync(string key)
    {
        using var scope = _host.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = "Bearer " + key;
        return await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
    }
}
