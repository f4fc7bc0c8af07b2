using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.Security;

namespace SentinelOps.Gateway.Apis;

/// <summary><c>POST /api/auth/ws-ticket</c>: a single-use, short-lived ticket for a browser's WebSocket.</summary>
public static class AuthApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Authentication");
        api.MapPost("/ws-ticket", IssueTicket).RequireClientKey();
        return app;
    }

    private static Results<Ok<WebSocketTicket>, ProblemHttpResult> IssueTicket(ClaimsPrincipal user, WebSocketTicketService tickets)
    {
        var client = new ClientIdentity(
            user.Identity?.Name ?? ApiKeyAuthenticationHandler.OpenClientName,
            [.. user.FindAll(ClientScopes.ClaimType).Select(claim => claim.Value)]);
        return tickets.Issue(client) is { } ticket
            ? TypedResults.Ok(new WebSocketTicket(ticket, (int)tickets.Lifetime.TotalSeconds))
            : GatewayProblems.Field(StatusCodes.Status429TooManyRequests, "too-many-tickets", "Too many tickets", "ticket",
                "Too many WebSocket tickets are outstanding; use the ones issued, or wait until they expire.");
    }

    /// <summary>A WebSocket ticket: connect with <c>/ws/system-events?ticket=…</c> within <c>expires_in_seconds</c>.</summary>
    public sealed record WebSocketTicket(
        [property: JsonPropertyName("ticket")] string Ticket,
        [property: JsonPropertyName("expires_in_seconds")] int ExpiresInSeconds);
}
