using System.Text.Json.Serialization.Metadata;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>Reads <c>tools</c>, stopping at <see cref="RequestLimitsOptions.ItemsCeiling"/>.</summary>
internal sealed class ToolListConverter : BoundedListConverter<ToolDto>
{
    protected override int MaxCount => RequestLimitsOptions.ItemsCeiling;

    protected override JsonTypeInfo<ToolDto> ItemType => GatewayJsonContext.Default.ToolDto;
}
