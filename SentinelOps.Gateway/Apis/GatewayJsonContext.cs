using System.Text.Json.Serialization;
using SentinelOps.Gateway.Apis.OpenAi.Wire;

namespace SentinelOps.Gateway.Apis;

/// <summary>
/// Source-generated JSON metadata for the chat request bodies: no reflection on the hot path, and every member has
/// one declared JSON kind, so a wrong kind anywhere is a <see cref="System.Text.Json.JsonException"/> naming its path
/// (a 400), never a crash. Unknown members are skipped without being built; nesting is bounded by <c>MaxDepth</c>.
/// </summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = MaxDepth)]
[JsonSerializable(typeof(ChatCompletionRequestDto))]
[JsonSerializable(typeof(ChatApiRequest))]
[JsonSerializable(typeof(ChatApiMessage))]
[JsonSerializable(typeof(ChatMessageDto))]
[JsonSerializable(typeof(ContentPartDto))]
[JsonSerializable(typeof(ToolDto))]
[JsonSerializable(typeof(ToolCallDto))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext
{
    /// <summary>Deepest nesting a request body may have.</summary>
    public const int MaxDepth = 64;
}
