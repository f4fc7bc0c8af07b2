using StackExchange.Redis;

namespace SentinelOps.Shared.Events;

/// <summary>
/// Stores one incident exactly once and publishes it, atomically, in one Lua script:
/// if the client-side id is already known, returns the stream id it was stored under and does nothing else;
/// otherwise <c>XADD … MAXLEN ~ N</c>, remembers the client id → stream id for the idempotency window, and publishes
/// the <c>incident</c> event with the new stream id spliced into it.
/// </summary>
/// <remarks>
/// This is what makes the outbox's retries safe: when an <c>XADD</c> reached Redis but its reply was lost (the
/// connection dropped), the retry finds the id and stores nothing. Publishing inside the script means a live
/// subscriber sees each incident once, with its final id.
/// </remarks>
internal static class IncidentStoreScript
{
    /// <summary>Stands for the stream id in the event JSON until the script knows it.</summary>
    public const string IdPlaceholder = "__SENTINEL_STREAM_ID__";

    // KEYS[1] stream, KEYS[2] dedupe key; ARGV[1] maxlen, ARGV[2] ttl seconds, ARGV[3] channel, ARGV[4] event JSON,
    // ARGV[5..] field/value pairs. Returns { stream id, 1 if stored now / 0 if it already was }.
    public const string Source = """
        local existing = redis.call('GET', KEYS[2])
        if existing then
          return { existing, 0 }
        end
        local args = { KEYS[1], 'MAXLEN', '~', ARGV[1], '*' }
        for i = 5, #ARGV do
          args[#args + 1] = ARGV[i]
        end
        local id = redis.call('XADD', unpack(args))
        redis.call('SET', KEYS[2], id, 'EX', ARGV[2])
        local message = string.gsub(ARGV[4], '__SENTINEL_STREAM_ID__', id)
        redis.call('PUBLISH', ARGV[3], message)
        return { id, 1 }
        """;

    /// <summary>The key remembering that the incident with client id <paramref name="uid"/> was stored.</summary>
    public static RedisKey DedupeKey(string uid) => RedisKeys.IncidentUidPrefix + uid;
}
