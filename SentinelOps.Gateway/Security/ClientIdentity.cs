namespace SentinelOps.Gateway.Security;

/// <summary>A client a key identifies: its configured name and scopes.</summary>
/// <param name="Name">The configured name.</param>
/// <param name="Scopes">What it may do.</param>
public sealed record ClientIdentity(string Name, IReadOnlyList<string> Scopes);
