using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis;

/// <summary>
/// The body of <c>POST /api/chat</c>: the seed API's <c>messages</c> (roles <c>system</c>, <c>user</c>,
/// <c>assistant</c>; string content), <c>max_tokens</c> and <c>temperature</c>; or the shorthand <c>message</c> with
/// an optional <c>system_prompt</c>.
/// </summary>
internal sealed class ChatApiRequest
{
    [JsonPropertyName("messages")] [JsonConverter(typeof(ChatApiMessageListConverter))] public List<ChatApiMessage>? Messages { get; init; }

    [JsonPropertyName("message")] public string? Message { get; init; }

    [JsonPropertyName("system_prompt")] public string? SystemPrompt { get; init; }

    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }

    [JsonPropertyName("temperature")] public double? Temperature { get; init; }
}
