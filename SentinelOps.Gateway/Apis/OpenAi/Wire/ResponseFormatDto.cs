using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary><c>response_format</c>: text, JSON object, or JSON schema.</summary>
internal sealed class ResponseFormatDto
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("json_schema")] public JsonSchemaFormatDto? JsonSchema { get; init; }
}
