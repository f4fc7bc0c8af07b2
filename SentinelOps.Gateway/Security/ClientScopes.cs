namespace SentinelOps.Gateway.Security;

/// <summary>What a client key may do, and the authorization policies that check it.</summary>
public static class ClientScopes
{
    /// <summary>Chat endpoints (<c>POST /api/chat</c>, <c>POST /v1/chat/completions</c>).</summary>
    public const string Chat = "chat";

    /// <summary>Operational writes: probes, fault injection, circuit resets.</summary>
    public const string Admin = "admin";

    /// <summary>The claim type holding one scope of the authenticated key.</summary>
    public const string ClaimType = "scope";

    /// <summary>The policy any valid key passes (read-only operational GETs, WebSocket tickets); also the fallback policy.</summary>
    public const string AnyKeyPolicy = "client";

    /// <summary>Every scope a key can hold.</summary>
    public static readonly string[] All = [Chat, Admin];
}
