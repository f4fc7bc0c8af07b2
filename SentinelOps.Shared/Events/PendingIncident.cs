namespace SentinelOps.Shared.Events;

/// <summary>An incident in the outbox: the record and its client-side id, the key of its write-once store.</summary>
/// <param name="Uid">The client-side id (a GUID unless the caller gave one): storing it twice stores it once.</param>
/// <param name="Incident">The incident as recorded.</param>
internal sealed record PendingIncident(string Uid, Incident Incident);
