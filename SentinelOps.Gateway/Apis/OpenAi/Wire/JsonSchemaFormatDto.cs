using System.Text.Json;
using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>The <c>json_schema</c> of a <c>response_format</c>.</summary>
internal sealed class JsonSchemaFormatDto
{
    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("description")] public string? Description { get; init; }

    [JsonPropertyName("schema")] public JsonElement? Schema { get; init; }

    [JsonPropertyName("strict")] public bool? Strict { get; init; }
}
