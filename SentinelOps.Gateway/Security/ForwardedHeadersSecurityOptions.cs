using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// The proxies whose <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> are believed (section
/// <c>Gateway:ForwardedHeaders</c>), so that behind a TLS-terminating proxy the gateway sees the client's scheme, host
/// and address: the WebSocket origin check compares with <c>https://</c> and the public host, not the proxy's hop.
/// </summary>
/// <remarks>
/// With both lists empty only a proxy on loopback is believed (ASP.NET Core's default). When either is set, the two
/// replace that default: list loopback too if a local proxy also forwards. Anyone else's forwarded headers are ignored.
/// </remarks>
public sealed class ForwardedHeadersSecurityOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:ForwardedHeaders";

    /// <summary>IP addresses of the proxies in front of the gateway (<c>10.0.0.5</c>, <c>::1</c>).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation (<c>10.0.0.0/8</c>, <c>fd00::/8</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>Whether either list is set, replacing the loopback default.</summary>
    public bool IsConfigured => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Length; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                yield return new ValidationResult($"{SectionName}:KnownProxies:{i} must be an IP address, such as 10.0.0.5.", [nameof(KnownProxies)]);
            }
        }

        for (var i = 0; i < KnownNetworks.Length; i++)
        {
            if (!IPNetwork.TryParse(KnownNetworks[i], out _))
            {
                yield return new ValidationResult($"{SectionName}:KnownNetworks:{i} must be a network in CIDR notation, such as 10.0.0.0/8.", [nameof(KnownNetworks)]);
            }
        }
    }
}
