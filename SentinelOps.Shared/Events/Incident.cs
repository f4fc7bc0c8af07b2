namespace SentinelOps.Shared.Events;

/// <summary>An outage, failover or recovery, kept in the incident stream and published live.</summary>
/// <param name="Id">Unique id: the incident stream's entry id once stored; a client-side id (GUID) until then.</param>
/// <param name="Type">What happened.</param>
/// <param name="Provider">The provider concerned, if one is.</param>
/// <param name="Timestamp">When it happened (UTC).</param>
/// <param name="Detail">A one-line, secret-free description.</param>
/// <param name="TraceId">The W3C trace id of the request or probe that saw it, if any.</param>
/// <param name="FailoverChain">For failovers and total outages: the providers that failed, in order.</param>
/// <param name="Source">Which service recorded it (<c>gateway</c> or <c>monitor</c>).</param>
public sealed record Incident(
    string Id,
    IncidentType Type,
    string? Provider,
    DateTimeOffset Timestamp,
    string Detail,
    string? TraceId = null,
    IReadOnlyList<string>? FailoverChain = null,
    string? Source = null);
