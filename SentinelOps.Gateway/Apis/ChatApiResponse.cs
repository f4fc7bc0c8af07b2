using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis;

/// <summary>The answer of <c>POST /api/chat</c>: the seed API's nine fields, and <c>hedged: true</c> only on an answer
/// that was hedged (the request also started on a second provider because the first sent no first token within the
/// hedging delay), so the seed's shape is unchanged otherwise.</summary>
public sealed record ChatApiResponse(
    [property: JsonPropertyName("trace_id")] string TraceId,
    [property: JsonPropertyName("provider_used")] string ProviderUsed,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("response_text")] string ResponseText,
    [property: JsonPropertyName("latency_ms")] double LatencyMs,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("failover_occurred")] bool FailoverOccurred,
    [property: JsonPropertyName("failover_chain")] IReadOnlyList<string> FailoverChain,
    [property: JsonPropertyName("tokens_used")] long? TokensUsed,
    [property: JsonPropertyName("hedged"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Hedged = false);
