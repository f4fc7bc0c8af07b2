using System.Text.Json.Serialization.Metadata;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>Reads <c>messages</c>, stopping at <see cref="RequestLimitsOptions.MessagesCeiling"/>.</summary>
internal sealed class ChatMessageListConverter : BoundedListConverter<ChatMessageDto>
{
    protected override int MaxCount => RequestLimitsOptions.MessagesCeiling;

    protected override JsonTypeInfo<ChatMessageDto> ItemType => GatewayJsonContext.Default.ChatMessageDto;
}
