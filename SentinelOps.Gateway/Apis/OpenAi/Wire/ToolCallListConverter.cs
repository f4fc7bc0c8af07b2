using System.Text.Json.Serialization.Metadata;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>Reads an assistant message's <c>tool_calls</c>, stopping at <see cref="RequestLimitsOptions.ItemsCeiling"/>.</summary>
internal sealed class ToolCallListConverter : BoundedListConverter<ToolCallDto>
{
    protected override int MaxCount => RequestLimitsOptions.ItemsCeiling;

    protected override JsonTypeInfo<ToolCallDto> ItemType => GatewayJsonContext.Default.ToolCallDto;
}
