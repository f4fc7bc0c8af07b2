using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis;

/// <summary>One message of the seed API's <c>messages</c>.</summary>
internal sealed class ChatApiMessage
{
    [JsonPropertyName("role")] public string? Role { get; init; }

    [JsonPropertyName("content")] public string? Content { get; init; }
}
