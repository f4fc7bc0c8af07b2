using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>A tool call an assistant message made.</summary>
internal sealed class ToolCallDto
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("function")] public FunctionCallDto? Function { get; init; }
}
