using System.Text.Json.Serialization.Metadata;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis;

/// <summary>Reads the seed API's <c>messages</c>, stopping at <see cref="RequestLimitsOptions.MessagesCeiling"/>.</summary>
internal sealed class ChatApiMessageListConverter : BoundedListConverter<ChatApiMessage>
{
    protected override int MaxCount => RequestLimitsOptions.MessagesCeiling;

    protected override JsonTypeInfo<ChatApiMessage> ItemType => GatewayJsonContext.Default.ChatApiMessage;
}
