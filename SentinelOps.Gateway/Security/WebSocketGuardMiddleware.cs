using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Apis;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// On endpoints marked <see cref="WebSocketEndpointMetadata"/>: refuses a browser page from an origin that is not
/// allowed (403); runs after authentication and authorization.
/// </summary>
/// <remarks>How many connections a replica holds is the endpoint's to cap (<c>Gateway:Events:MaxConnections</c>, 503).</remarks>
internal sealed class WebSocketGuardMiddleware(RequestDelegate next, IOptions<WebSocketSecurityOptions> options)
{
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

        await next(context);
    }

    // A page the gateway serves itself (same scheme, host and port) or one from a configured origin.
    private bool IsAllowed(HttpRequest request, string origin) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)
        || options.Value.AllowedOrigins.Any(allowed => string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
}
