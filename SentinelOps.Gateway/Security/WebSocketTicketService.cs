using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// Short-lived, single-use tickets that let a browser open a WebSocket (which cannot carry an <c>Authorization</c>
/// header) as the client that asked for the ticket. A ticket is 256 random bits; it is kept only in this process.
/// </summary>
public sealed class WebSocketTicketService(IOptions<WebSocketSecurityOptions> options, TimeProvider timeProvider)
{
    // Outstanding tickets at most: a client asking in a loop cannot grow memory without bound.
    private const int MaxOutstanding = 10_000;

    private readonly ConcurrentDictionary<string, (ClientIdentity Client, DateTimeOffset Expires)> _tickets = new(StringComparer.Ordinal);

    /// <summary>How long a ticket stays valid.</summary>
    public TimeSpan Lifetime => options.Value.TicketLifetime;

    /// <summary>Issues a ticket for <paramref name="client"/>, or <see langword="null"/> when too many are outstanding.</summary>
    public string? Issue(ClientIdentity client)
    {
        var now = timeProvider.GetUtcNow();
        if (_tickets.Count >= MaxOutstanding)
        {
            foreach (var (ticket, entry) in _tickets)
            {
                if (entry.Expires <= now)
                {
                    _tickets.TryRemove(ticket, out _);
                }
            }

            if (_tickets.Count >= MaxOutstanding)
            {
                return null;
            }
        }

        var value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _tickets[value] = (client, now + Lifetime);
        return value;
    }

    /// <summary>Redeems <paramref name="ticket"/> once: the client it was issued to, or <see langword="null"/> if unknown, used or expired.</summary>
    public ClientIdentity? Redeem(string ticket) =>
        _tickets.TryRemove(ticket, out var entry) && entry.Expires > timeProvider.GetUtcNow() ? entry.Client : null;
}
