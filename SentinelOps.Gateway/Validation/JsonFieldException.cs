using System.Text.Json;

namespace SentinelOps.Gateway.Validation;

/// <summary>
/// A wrong value found by one of the gateway's own converters. <see cref="SubPath"/> carries the part of the field's
/// path below the converted property (<c>[2].content[0].type</c>), which the serializer would otherwise lose when a
/// converter reads nested values; the serializer sets <see cref="JsonException.Path"/> to the property itself.
/// </summary>
internal sealed class JsonFieldException(string message, string subPath) : JsonException(message)
{
    /// <summary>The path below the property the serializer reports, or empty.</summary>
    public string SubPath { get; } = subPath;

    /// <summary>The message for a value the serializer itself could not convert.</summary>
    public const string WrongKind = "The value has the wrong JSON type (or is out of range for it).";

    /// <summary>The field a failed read names: the serializer's path plus any converter sub-path, without the <c>$.</c> root.</summary>
    public static string FieldOf(JsonException exception)
    {
        var path = exception.Path ?? string.Empty;
        path = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        path += (exception as JsonFieldException)?.SubPath;
        return path.Length == 0 ? "body" : path;
    }

    /// <summary>Reads one nested value with <paramref name="typeInfo"/>, reporting a failure below <paramref name="prefix"/>.</summary>
    public static T? ReadNested<T>(ref Utf8JsonReader reader, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string prefix)
    {
        try
        {
            return JsonSerializer.Deserialize(ref reader, typeInfo);
        }
        catch (JsonException ex)
        {
            var relative = ex.Path ?? string.Empty;
            relative = relative.StartsWith('$') ? relative[1..] : relative;
            throw new JsonFieldException(
                ex is JsonFieldException field ? field.Message : WrongKind,
                prefix + relative + (ex as JsonFieldException)?.SubPath);
        }
    }
}
