using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>A tool the model may call.</summary>
internal sealed class ToolDto
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("function")] public FunctionDefinitionDto? Function { get; init; }
}
