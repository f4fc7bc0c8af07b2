using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis.OpenAi.Wire;

/// <summary><c>stop</c>: one string or an array of strings.</summary>
[JsonConverter(typeof(StopDtoConverter))]
internal sealed class StopDto
{
    public required List<string> Sequences { get; init; }
}

/// <summary>Reads either shape of <see cref="StopDto"/>, stopping early on a long array.</summary>
internal sealed class StopDtoConverter : JsonConverter<StopDto>
{
    // Far above OpenAI's 4: the validator reports the real limit; this only bounds what is read.
    private const int ReadLimit = 64;

    public override StopDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new StopDto { Sequences = [reader.GetString()!] };
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonFieldException("Must be a string or an array of strings.", string.Empty);
        }

        var sequences = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonFieldException("Must be a string.", string.Create(CultureInfo.InvariantCulture, $"[{sequences.Count}]"));
            }

            if (sequences.Count == ReadLimit)
            {
                throw new JsonFieldException("Too many stop sequences.", string.Empty);
            }

            sequences.Add(reader.GetString()!);
        }

        return new StopDto { Sequences = sequences };
    }

    public override void Write(Utf8JsonWriter writer, StopDto value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request DTOs are only read.");
}
