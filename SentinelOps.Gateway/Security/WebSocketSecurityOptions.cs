using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Security;

/// <summary>Limits of the gateway's WebSocket endpoints (section <c>Gateway:WebSocket</c>).</summary>
public sealed class WebSocketSecurityOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:WebSocket";

    /// <summary>
    /// Origins (<c>https://ops.example.com</c>) whose pages may connect; a page served by the gateway itself always may.
    /// A request without an <c>Origin</c> header (not a browser) is not checked here; its key is.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Largest message a client may send, in bytes; endpoints close the socket (1009) above it.</summary>
    [Range(16, 1024 * 1024, ErrorMessage = "Gateway:WebSocket:MaxMessageBytes must be between 16 and 1048576.")]
    public int MaxMessageBytes { get; set; } = 4096;

    /// <summary>How long a ticket from <c>POST /api/auth/ws-ticket</c> can be used.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Gateway:WebSocket:TicketLifetime must be between 1 s and 10 min.")]
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(30);
}
