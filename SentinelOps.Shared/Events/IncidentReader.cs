using System.Globalization;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace SentinelOps.Shared.Events;

/// <summary>Reads the incident stream: the newest incidents (for <c>GET /api/incidents</c>) and those after an id (to resume).</summary>
/// <remarks>
/// Each call is one or a few Redis round trips; it throws <see cref="RedisException"/> or <see cref="TimeoutException"/>
/// when Redis is unreachable, for the caller to turn into a 503. Thread-safe.
/// </remarks>
public sealed partial class IncidentReader(IConnectionMultiplexer redis)
{
    /// <summary>The most incidents one call returns.</summary>
    public const int MaxLimit = 500;

    private const int PageSize = 100;

    private const string LargestId = "18446744073709551615-18446744073709551615";

    /// <summary>The newest incidents, newest first, optionally only those of <paramref name="type"/>.</summary>
    /// <param name="limit">How many at most, 1 to <see cref="MaxLimit"/>.</param>
    /// <param name="type">Only this type, or every type.</param>
    /// <param name="cancellationToken">Stops paging; a Redis call in flight finishes.</param>
    public async Task<IReadOnlyList<Incident>> GetLatestAsync(int limit, IncidentType? type = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        var database = redis.GetDatabase();
        var incidents = new List<Incident>(Math.Min(limit, PageSize));

        // Without a filter one page is enough; with one, page back through the (bounded) stream until enough match.
        RedisValue end = "+";
        while (incidents.Count < limit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = type is null ? limit - incidents.Count : PageSize;
            var page = await database.StreamRangeAsync(RedisKeys.Incidents, "-", end, count, Order.Descending);
            foreach (var entry in page)
            {
                if (IncidentStreamEntry.FromEntry(entry) is { } incident && (type is null || incident.Type == type))
                {
                    incidents.Add(incident);
                    if (incidents.Count == limit)
                    {
                        break;
                    }
                }
            }

            if (page.Length < count)
            {
                break;
            }

            end = "(" + page[^1].Id;
        }

        return incidents;
    }

    /// <summary>The incidents stored after <paramref name="lastId"/>, oldest first (what a reconnecting client missed).</summary>
    /// <param name="lastId">A stream id previously received (<c>1732790000000-0</c>); see <see cref="IsValidId"/>.</param>
    /// <param name="max">How many at most, 1 to <see cref="MaxLimit"/>.</param>
    /// <param name="cancellationToken">Not observed by Redis; checked before the call.</param>
    /// <remarks>If <paramref name="lastId"/> was trimmed from the stream, every incident still in it is newer and is returned.</remarks>
    public async Task<IReadOnlyList<Incident>> GetAfterAsync(string lastId, int max = MaxLimit, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(lastId))
        {
            throw new ArgumentException("Not an incident stream id (expected <milliseconds>-<sequence>).", nameof(lastId));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, MaxLimit);
        cancellationToken.ThrowIfCancellationRequested();
        if (lastId == LargestId)
        {
            return []; // nothing can follow it, and Redis refuses an exclusive range that starts there
        }

        var page = await redis.GetDatabase().StreamRangeAsync(RedisKeys.Incidents, "(" + lastId, "+", max, Order.Ascending);
        var incidents = new List<Incident>(page.Length);
        foreach (var entry in page)
        {
            if (IncidentStreamEntry.FromEntry(entry) is { } incident)
            {
                incidents.Add(incident);
            }
        }

        return incidents;
    }

    /// <summary>
    /// Whether <paramref name="id"/> is a stream id Redis accepts: <c>&lt;ms&gt;-&lt;seq&gt;</c>, each part a 64-bit
    /// unsigned integer (20 digits can be more than that, and Redis refuses the whole command).
    /// </summary>
    public static bool IsValidId(string? id)
    {
        if (id is not { Length: > 2 and <= 41 } || !StreamId().IsMatch(id))
        {
            return false;
        }

        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return ulong.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && ulong.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    [GeneratedRegex(@"^\d{1,20}-\d{1,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex StreamId();
}
