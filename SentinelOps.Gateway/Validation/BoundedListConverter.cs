using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SentinelOps.Gateway.Validation;

/// <summary>
/// Reads a JSON array into a list, but stops with an error at <see cref="MaxCount"/> items, so a body of a million
/// tiny items is refused before they are all built; an item's error names its index (<c>[3].role</c>).
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal abstract class BoundedListConverter<T> : JsonConverter<List<T>>
{
    /// <summary>Items read at most.</summary>
    protected abstract int MaxCount { get; }

    /// <summary>The source-generated metadata of an item.</summary>
    protected abstract JsonTypeInfo<T> ItemType { get; }

    /// <inheritdoc/>
    public override List<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonFieldException("Must be an array.", string.Empty);
        }

        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (items.Count == MaxCount)
            {
                throw new JsonFieldException(string.Create(CultureInfo.InvariantCulture, $"At most {MaxCount} items."), string.Empty);
            }

            var prefix = string.Create(CultureInfo.InvariantCulture, $"[{items.Count}]");
            if (reader.TokenType == JsonTokenType.Null)
            {
                throw new JsonFieldException("Must not be null.", prefix);
            }

            items.Add(JsonFieldException.ReadNested(ref reader, ItemType, prefix)!);
        }

        return items;
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, List<T> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request DTOs are only read.");
}
