namespace SentinelOps.Shared.Metrics;

/// <summary>The fields of the <c>sentinel:metrics</c> hash: request counters, summed by <c>HINCRBY</c> across gateway replicas.</summary>
public static class RequestMetricsFields
{
    /// <summary>Chat requests finished (successes + failures + cancelled).</summary>
    public const string TotalRequests = "total_requests";

    /// <summary>Requests a provider answered.</summary>
    public const string TotalSuccesses = "total_successes";

    /// <summary>Requests that got an error answer (no provider could answer, deadline, rejected, stream interrupted).</summary>
    public const string TotalFailures = "total_failures";

    /// <summary>Requests the client gave up on before the answer.</summary>
    public const string TotalCancelled = "total_cancelled";

    /// <summary>Requests answered by a provider other than the first choice.</summary>
    public const string TotalFailovers = "total_failovers";

    /// <summary>Requests answered 400 because they were the request's own fault: a provider refused them as invalid, or they could not be sent at all.</summary>
    public const string TotalRejected = "total_rejected";

    /// <summary>Successful requests answered from the response cache (also in the successes).</summary>
    public const string TotalCacheHits = "total_cache_hits";

    /// <summary>Requests hedged: also started on the next provider because the first sent no first token within the hedging delay.</summary>
    public const string TotalHedged = "total_hedged";

    /// <summary>Sum of the latencies of successful requests, in microseconds.</summary>
    public const string LatencySumMicroseconds = "latency_us_sum";

    /// <summary>Prefix of the latency histogram fields: <c>latency_bucket:&lt;index&gt;</c> (see <see cref="LatencyHistogram"/>).</summary>
    public const string LatencyBucketPrefix = "latency_bucket:";

    /// <summary>Prefix of per-provider fields: <c>provider:&lt;name&gt;:successes</c> and <c>provider:&lt;name&gt;:failures</c>.</summary>
    public const string ProviderPrefix = "provider:";

    /// <summary>Suffix of a provider's answered-request count.</summary>
    public const string ProviderSuccessesSuffix = ":successes";

    /// <summary>Suffix of a provider's failure count (it failed, or was skipped with its circuit open, before another answered).</summary>
    public const string ProviderFailuresSuffix = ":failures";

    /// <summary>The field of a latency bucket.</summary>
    public static string LatencyBucket(int bucket) => LatencyBucketPrefix + bucket.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The field of a provider's successes.</summary>
    public static string ProviderSuccesses(string provider) => ProviderPrefix + provider + ProviderSuccessesSuffix;

    /// <summary>The field of a provider's failures.</summary>
    public static string ProviderFailures(string provider) => ProviderPrefix + provider + ProviderFailuresSuffix;
}
