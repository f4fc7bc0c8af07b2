using System.Text.Json.Serialization;

namespace SentinelOps.Simulator.Faults;

/// <summary>Request counters, as <c>GET /control/stats</c> reports them.</summary>
/// <param name="Requests">Every protocol request (chat, model listing, version).</param>
/// <param name="ChatRequests">Chat requests only.</param>
/// <param name="FaultedRequests">Requests that suffered an injected fault.</param>
public sealed record SimulatorStats(
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("chat_requests")] long ChatRequests,
    [property: JsonPropertyName("faulted_requests")] long FaultedRequests);
