using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>One part of a message's content: <c>{"type":"text","text":…}</c> or <c>{"type":"image_url","image_url":{"url":…}}</c>.</summary>
internal sealed class ContentPartDto
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("text")] public string? Text { get; init; }

    [JsonPropertyName("image_url")] public ImageUrlDto? ImageUrl { get; init; }
}
