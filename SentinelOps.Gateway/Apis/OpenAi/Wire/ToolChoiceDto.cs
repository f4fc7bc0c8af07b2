using System.Text.Json;
using System.Text.Json.Serialization;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary><c>tool_choice</c>: <c>"auto"</c>, <c>"none"</c>, <c>"required"</c>, or a named function.</summary>
[JsonConverter(typeof(ToolChoiceDtoConverter))]
internal sealed class ToolChoiceDto
{
    public string? Mode { get; init; }

    public ToolDto? Function { get; init; }
}

/// <summary>Reads either shape of <see cref="ToolChoiceDto"/>.</summary>
internal sealed class ToolChoiceDtoConverter : JsonConverter<ToolChoiceDto>
{
    public override ToolChoiceDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => new ToolChoiceDto { Mode = reader.GetString() },
        JsonTokenType.StartObject => new ToolChoiceDto { Function = JsonFieldException.ReadNested(ref reader, GatewayJsonContext.Default.ToolDto, string.Empty) },
        _ => throw new JsonFieldException("Must be \"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":…}}.", string.Empty),
    };

    public override void Write(Utf8JsonWriter writer, ToolChoiceDto value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request DTOs are only read.");
}
