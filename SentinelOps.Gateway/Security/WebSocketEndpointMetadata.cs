namespace SentinelOps.Gateway.Security;

/// <summary>Marks a WebSocket endpoint: it accepts tickets, its origin is checked, its connections are capped.</summary>
public sealed class WebSocketEndpointMetadata
{
    /// <summary>The one instance.</summary>
    public static readonly WebSocketEndpointMetadata Instance = new();

    private WebSocketEndpointMetadata()
    {
    }
}
