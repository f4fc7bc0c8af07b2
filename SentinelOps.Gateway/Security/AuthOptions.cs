namespace SentinelOps.Gateway.Security;

/// <summary>Client authentication (section <c>Gateway:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Auth";

    /// <summary>The keys clients may use. None: the gateway is open (refused when <c>APP_ENV</c> is production).</summary>
    public List<ClientKeyOptions> Keys { get; set; } = [];
}
