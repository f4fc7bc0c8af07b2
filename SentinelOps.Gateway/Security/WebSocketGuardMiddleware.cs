using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Apis;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// On endpoints marked <see cref="WebSocketEndpointMetadata"/>: refuses a browser page from an origin that is not
/// allowed (403), and caps open connections over all clients (429); runs after authentication and authorization.
/// </summary>
internal sealed class WebSocketGuardMiddleware(RequestDelegate next, IOptions<WebSocketSecurityOptions> options)
{
    private int _open;

    /// <summary>Connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<WebSocketEndpointMetadata>() is null)
        {
            await next(context);
            return;
        }

        if (context.Request.Headers.Origin is [{ Length: > 0 } origin] && !IsAllowed(context.Request, origin))
        {
            await GatewayProblems.Field(StatusCodes.Status403Forbidden, "origin-not-allowed", "Origin not allowed", "origin",
                "Pages from this origin may not open the gateway's WebSocket; add it to Gateway:WebSocket:AllowedOrigins.").ExecuteAsync(context);
            return;
        }

        if (Interlocked.Increment(ref _open) > options.Value.MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            context.Response.Headers.RetryAfter = "5";
            await GatewayProblems.Field(StatusCodes.Status429TooManyRequests, "too-many-connections", "Too many WebSocket connections", "connection",
                $"The gateway holds its maximum of {options.Value.MaxConnections} WebSocket connections; try again later.").ExecuteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    // A page the gateway serves itself (same scheme, host and port) or one from a configured origin.
    private bool IsAllowed(HttpRequest request, string origin) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)
        || options.Value.AllowedOrigins.Any(allowed => string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
}
