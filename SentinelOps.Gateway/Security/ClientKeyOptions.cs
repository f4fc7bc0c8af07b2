namespace SentinelOps.Gateway.Security;

/// <summary>One client key (<c>Gateway:Auth:Keys:N</c>).</summary>
public sealed class ClientKeyOptions
{
    /// <summary>Who holds the key; names the client in logs and in rate limiting (never the key itself).</summary>
    public string? Name { get; set; }

    /// <summary>The key's SHA-256, as 64 hex digits (<c>printf %s "$KEY" | sha256sum</c>): what configuration should hold.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The key in plain text, e.g. from a secret parameter: hashed when the gateway starts and then dropped.</summary>
    public string? Key { get; set; }

    /// <summary>What the key may do: <c>chat</c>, <c>admin</c> (default: <c>chat</c>).</summary>
    public string[] Scopes { get; set; } = [];
}
