using System.Globalization;
using System.Text.Json;
using SentinelOps.Shared.Json;
using StackExchange.Redis;

namespace SentinelOps.Shared.Events;

/// <summary>How an <see cref="Incident"/> is laid out as the fields of one incident stream entry.</summary>
/// <remarks>
/// One field per member, so <c>redis-cli XRANGE sentinel:incidents - +</c> is readable. The entry id is the
/// incident's id; <c>uid</c> is the client-side id the writer deduplicates retries by.
/// </remarks>
internal static class IncidentStreamEntry
{
    public const string Uid = "uid";
    public const string Type = "type";
    public const string Provider = "provider";
    public const string Timestamp = "timestamp";
    public const string Detail = "detail";
    public const string TraceId = "trace_id";
    public const string FailoverChain = "failover_chain";
    public const string Source = "source";

    /// <summary>The field/value pairs, flattened (<c>field, value, field, value…</c>) as <c>XADD</c> takes them.</summary>
    public static List<RedisValue> ToFields(Incident incident, string uid)
    {
        var fields = new List<RedisValue>(16)
        {
            Uid, uid,
            Type, IncidentTypeNames.ToName(incident.Type),
            Timestamp, incident.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            Detail, incident.Detail,
        };
        Add(fields, Provider, incident.Provider);
        Add(fields, TraceId, incident.TraceId);
        Add(fields, Source, incident.Source);
        if (incident.FailoverChain is { Count: > 0 } chain)
        {
            Add(fields, FailoverChain, JsonSerializer.Serialize(chain, SentinelJson.Options));
        }

        return fields;
    }

    /// <summary>Reads an entry back; <see langword="null"/> when it is not a well-formed incident.</summary>
    public static Incident? FromEntry(StreamEntry entry)
    {
        if (entry.IsNull)
        {
            return null;
        }

        string? type = null, provider = null, timestamp = null, detail = null, traceId = null, chain = null, source = null;
        foreach (var value in entry.Values)
        {
            switch ((string?)value.Name)
            {
                case Type: type = value.Value; break;
                case Provider: provider = value.Value; break;
                case Timestamp: timestamp = value.Value; break;
                case Detail: detail = value.Value; break;
                case TraceId: traceId = value.Value; break;
                case FailoverChain: chain = value.Value; break;
                case Source: source = value.Value; break;
            }
        }

        if (!IncidentTypeNames.TryParse(type, out var incidentType)
            || !DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return null;
        }

        IReadOnlyList<string>? failoverChain = null;
        if (chain is not null)
        {
            try
            {
                failoverChain = JsonSerializer.Deserialize<string[]>(chain, SentinelJson.Options);
            }
            catch (JsonException)
            {
                // A malformed chain loses only itself, not the incident.
            }
        }

        return new Incident(entry.Id!, incidentType, provider, at, detail ?? string.Empty, traceId, failoverChain, source);
    }

    private static void Add(List<RedisValue> fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Add(name);
            fields.Add(value);
        }
    }
}
