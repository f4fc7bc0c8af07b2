using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Security;

namespace SentinelOps.Tests.Gateway.Security;

public sealed class WebSocketTicketServiceTests
{
    private static readonly ClientIdentity Client = new("dashboard", [ClientScopes.Chat]);

    [Fact]
    public void ATicket_IsRedeemedOnce_ForTheClientItWasIssuedTo()
    {
        var service = new WebSocketTicketService(Options.Create(new WebSocketSecurityOptions()), new FakeTimeProvider());

        var ticket = service.Issue(Client)!;

        Assert.Equal(64, ticket.Length);
        Assert.Same(Client, service.Redeem(ticket));
        Assert.Null(service.Redeem(ticket));
        Assert.NotEqual(ticket, service.Issue(Client));
    }

    [Fact]
    public void ATicket_ExpiresAfterItsLifetime()
    {
        var time = new FakeTimeProvider();
        var service = new WebSocketTicketService(Options.Create(new WebSocketSecurityOptions { TicketLifetime = TimeSpan.FromSeconds(30) }), time);
        var late = service.Issue(Client)!;
        var onTime = service.Issue(Client)!;

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(Client, service.Redeem(onTime));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(service.Redeem(late));
    }
}
