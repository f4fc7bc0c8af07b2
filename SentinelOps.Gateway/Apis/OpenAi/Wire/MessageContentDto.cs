using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary>A message's <c>content</c>: a string, or an array of parts.</summary>
[JsonConverter(typeof(MessageContentDtoConverter))]
internal sealed class MessageContentDto
{
    public string? Text { get; init; }

    public List<ContentPartDto>? Parts { get; init; }
}

/// <summary>Reads either shape of <see cref="MessageContentDto"/>; any other JSON kind is an error on the field.</summary>
internal sealed class MessageContentDtoConverter : JsonConverter<MessageContentDto>
{
    public override MessageContentDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new MessageContentDto { Text = reader.GetString() };
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonFieldException("Must be a string or an array of content parts.", string.Empty);
        }

        var parts = new List<ContentPartDto>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (parts.Count == RequestLimitsOptions.ItemsCeiling)
            {
                throw new JsonFieldException($"At most {RequestLimitsOptions.ItemsCeiling} content parts.", string.Empty);
            }

            var prefix = string.Create(CultureInfo.InvariantCulture, $"[{parts.Count}]");
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonFieldException("Each content part must be an object.", prefix);
            }

            parts.Add(JsonFieldException.ReadNested(ref reader, GatewayJsonContext.Default.ContentPartDto, prefix)!);
        }

        return new MessageContentDto { Parts = parts };
    }

    public override void Write(Utf8JsonWriter writer, MessageContentDto value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request DTOs are only read.");
}
