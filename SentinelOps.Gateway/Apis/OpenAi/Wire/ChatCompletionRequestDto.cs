using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>The body of <c>POST /v1/chat/completions</c>, exactly as sent; members the gateway does not use are skipped.</summary>
internal sealed class ChatCompletionRequestDto
{
    [JsonPropertyName("model")] public string? Model { get; init; }

    [JsonPropertyName("messages")] [JsonConverter(typeof(ChatMessageListConverter))] public List<ChatMessageDto>? Messages { get; init; }

    [JsonPropertyName("temperature")] public double? Temperature { get; init; }

    [JsonPropertyName("top_p")] public double? TopP { get; init; }

    [JsonPropertyName("presence_penalty")] public double? PresencePenalty { get; init; }

    [JsonPropertyName("frequency_penalty")] public double? FrequencyPenalty { get; init; }

    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }

    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; init; }

    [JsonPropertyName("seed")] public long? Seed { get; init; }

    [JsonPropertyName("n")] public int? N { get; init; }

    [JsonPropertyName("stop")] public StopDto? Stop { get; init; }

    [JsonPropertyName("tools")] [JsonConverter(typeof(ToolListConverter))] public List<ToolDto>? Tools { get; init; }

    [JsonPropertyName("tool_choice")] public ToolChoiceDto? ToolChoice { get; init; }

    [JsonPropertyName("response_format")] public ResponseFormatDto? ResponseFormat { get; init; }

    [JsonPropertyName("stream")] public bool? Stream { get; init; }

    [JsonPropertyName("stream_options")] public StreamOptionsDto? StreamOptions { get; init; }
}
