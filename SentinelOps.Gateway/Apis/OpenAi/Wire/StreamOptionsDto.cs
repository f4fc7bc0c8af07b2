using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary><c>stream_options</c>.</summary>
internal sealed class StreamOptionsDto
{
    [JsonPropertyName("include_usage")] public bool? IncludeUsage { get; init; }
}
