using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>An image part's <c>image_url</c>.</summary>
internal sealed class ImageUrlDto
{
    [JsonPropertyName("url")] public string? Url { get; init; }

    [JsonPropertyName("detail")] public string? Detail { get; init; }
}
