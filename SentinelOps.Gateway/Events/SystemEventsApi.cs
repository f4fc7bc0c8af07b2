using System.Globalization;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Security;
using SentinelOps.Shared.Events;

namespace SentinelOps.Gateway.Events;

/// <summary><c>WS /ws/system-events</c>: every live event, as JSON <c>{event_type, payload, timestamp, id}</c>.</summary>
public static class SystemEventsApi
{
    /// <summary>The endpoint's path.</summary>
    public const string Path = "/ws/system-events";

    /// <summary>Maps the endpoint, and drops every client (telling it why) when the application stops.</summary>
    public static IEndpointRouteBuilder MapSystemEventsApi(this IEndpointRouteBuilder app)
    {
        var hub = app.ServiceProvider.GetRequiredService<SystemEventsHub>();
        app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => hub.DropAll("server_closing"));

        app.MapGet(Path, ConnectAsync)
            .RequireWebSocketAccess()
            .WithTags("Events")
            .WithSummary("Live events over a WebSocket")
            .WithDescription("Event types: provider_status, incident, metrics, heartbeat, system. Reconnect with ?last_event_id=<id of the last incident received> to get the incidents missed, in order, before live ones.");
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ConnectAsync(
        HttpContext context,
        SystemEventsHub hub,
        SystemEventsConnection connection,
        IOptions<SystemEventsOptions> options,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "last_event_id")] string? lastEventId)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "WebSocket upgrade expected",
                detail: $"{Path} is a WebSocket endpoint: connect with a WebSocket client (ws://…{Path}).");
        }

        if (lastEventId is not null && !IncidentReader.IsValidId(lastEventId))
        {
            // Refused before the upgrade: once the socket is accepted, an id Redis rejects could only break the connection.
            return GatewayProblems.Field(StatusCodes.Status400BadRequest, "invalid-last-event-id", "Invalid last_event_id", "last_event_id",
                "last_event_id must be the id of an incident event, <ms>-<seq> with each part at most 18446744073709551615, such as 1732800000000-0.");
        }

        if (!hub.TryConnect(out var client))
        {
            context.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Too many event connections",
                detail: string.Create(CultureInfo.InvariantCulture, $"This gateway serves at most {options.Value.MaxConnections} event connections; try again later or another replica."));
        }

        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync();
        }
        catch
        {
            hub.Disconnect(client!);
            client!.Dispose();
            throw;
        }

        using (socket)
        {
            await connection.RunAsync(socket, client!, lastEventId, context.RequestAborted); // unregisters and disposes the client
        }

        return TypedResults.Empty;
    }
}
