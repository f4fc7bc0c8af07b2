using SentinelOps.Gateway.Security;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>Client keys for security tests: one configured as a hash, one in plain text (hashed at start).</summary>
internal static class SecurityTestKeys
{
    public const string Chat = "sk-sentinel-chat-0123456789abcdef";
    public const string Admin = "sk-sentinel-admin-0123456789abcdef";
    public const string Other = "sk-sentinel-other-0123456789abcdef";

    public static Dictionary<string, string?> Settings() => new()
    {
        ["Gateway:Auth:Keys:0:Name"] = "chat-client",
        ["Gateway:Auth:Keys:0:Sha256"] = Convert.ToHexString(ClientKeyStore.Hash(Chat)),
        ["Gateway:Auth:Keys:0:Scopes:0"] = "chat",
        ["Gateway:Auth:Keys:1:Name"] = "operator",
        ["Gateway:Auth:Keys:1:Key"] = Admin,
        ["Gateway:Auth:Keys:1:Scopes:0"] = "admin",
        ["Gateway:Auth:Keys:2:Name"] = "other-client",
        ["Gateway:Auth:Keys:2:Key"] = Other,
        ["Gateway:Auth:Keys:2:Scopes:0"] = "chat",
    };
}
