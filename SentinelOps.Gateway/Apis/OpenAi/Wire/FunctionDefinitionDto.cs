using System.Text.Json;
using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>A function tool's declaration; <c>parameters</c> is a JSON schema, kept as JSON.</summary>
internal sealed class FunctionDefinitionDto
{
    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("description")] public string? Description { get; init; }

    [JsonPropertyName("parameters")] public JsonElement? Parameters { get; init; }

    [JsonPropertyName("strict")] public bool? Strict { get; init; }
}
