using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>The function of a tool call: its name and its arguments as a JSON-encoded string.</summary>
internal sealed class FunctionCallDto
{
    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("arguments")] public string? Arguments { get; init; }
}
