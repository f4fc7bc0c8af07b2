using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Apis;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// Authenticates a client by the key it sends as <c>Authorization: Bearer &lt;key&gt;</c> or <c>x-api-key: &lt;key&gt;</c>
/// (or, on a WebSocket endpoint, by a ticket). With no keys configured every request is let in as the open client,
/// holding every scope. Failures answer with problem+json, never with the key.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ClientKeyStore keys,
    WebSocketTicketService tickets)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The header that carries a key, as an alternative to <c>Authorization: Bearer</c>.</summary>
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>The name the open gateway gives every client.</summary>
    public const string OpenClientName = "anonymous";

    private static readonly ClientIdentity OpenClient = new(OpenClientName, ClientScopes.All);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ClientIdentity, AuthenticationTicket> Tickets = new(ReferenceEqualityComparer.Instance);

    /// <summary>Logins built once and kept (one per configured key, and the open client's).</summary>
    internal static int CachedLoginCount => Tickets.Count;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (keys.IsOpen)
        {
            return Task.FromResult(Success(OpenClient));
        }

        var key = PresentedKey(Request);
        if (key is null)
        {
            if (Context.GetEndpoint()?.Metadata.GetMetadata<WebSocketEndpointMetadata>() is not null
                && Request.Query["ticket"] is [{ Length: > 0 } ticket])
            {
                // Each ticket holds an identity of its own, used once: its login is built, not cached.
                return Task.FromResult(tickets.Redeem(ticket) is { } holder
                    ? AuthenticateResult.Success(CreateTicket(holder))
                    : AuthenticateResult.Fail("The WebSocket ticket is unknown, used or expired."));
            }

            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Find(key) is { } client ? Success(client) : AuthenticateResult.Fail("The API key is not valid."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = result.Failure?.Message
            ?? $"An API key is required: send it as 'Authorization: Bearer <key>' or '{ApiKeyHeader}: <key>'.";
        await GatewayProblems.Field(StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required", "authorization", detail)
            .ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var required = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(data => data.Policy).Where(policy => policy is ClientScopes.Chat or ClientScopes.Admin).Distinct().ToArray() ?? [];
        var detail = required.Length > 0
            ? $"This key does not hold the scope this endpoint needs: {string.Join(", ", required)}."
            : "This key may not use this endpoint.";
        return GatewayProblems.Field(StatusCodes.Status403Forbidden, "forbidden", "Scope missing", "scope", detail).ExecuteAsync(Context);
    }

    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.Authorization is [{ } authorization]
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return request.Headers[ApiKeyHeader] is [{ Length: > 0 } key] ? key.Trim() : null;
    }

    // Keys are few and fixed: each client's ticket is built once, not per request. Only the key store's identities
    // (and the open client) come here, so the cache cannot grow with traffic.
    private static AuthenticateResult Success(ClientIdentity client) =>
        AuthenticateResult.Success(Tickets.GetOrAdd(client, CreateTicket));

    private static AuthenticationTicket CreateTicket(ClientIdentity client)
    {
        var claims = new List<Claim>(client.Scopes.Count + 1) { new(ClaimTypes.Name, client.Name) };
        claims.AddRange(client.Scopes.Select(scope => new Claim(ClientScopes.ClaimType, scope)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return new AuthenticationTicket(principal, SchemeName);
    }
}
