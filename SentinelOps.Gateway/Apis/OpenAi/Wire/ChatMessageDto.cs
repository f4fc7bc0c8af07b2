using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>One message of an OpenAI chat request.</summary>
internal sealed class ChatMessageDto
{
    [JsonPropertyName("role")] public string? Role { get; init; }

    [JsonPropertyName("content")] public MessageContentDto? Content { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("tool_call_id")] public string? ToolCallId { get; init; }

    [JsonPropertyName("tool_calls")] [JsonConverter(typeof(ToolCallListConverter))] public List<ToolCallDto>? ToolCalls { get; init; }
}
