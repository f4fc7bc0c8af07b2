using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SentinelOps.Gateway.Validation;

/// <summary>Parses a request body into its source-generated DTO, turning any failure into one error naming the field.</summary>
internal static class RequestJson
{
    /// <summary>Parses <paramref name="json"/> as <typeparamref name="T"/>.</summary>
    /// <returns>The DTO, or <see langword="null"/> with the reason in <paramref name="errors"/>.</returns>
    public static T? Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, ValidationErrors errors)
        where T : class
    {
        // The parser leaves raw JSON values (schemas) undecoded, and a name in them that is not UTF-8 would fail
        // later, wherever it is first read: refused here, once, for the whole body.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            errors.Add("body", "The body must be UTF-8 encoded JSON.");
            return null;
        }

        try
        {
            var value = JsonSerializer.Deserialize(json, typeInfo);
            if (value is null)
            {
                errors.Add("body", "The body must be a JSON object.");
            }

            return value;
        }
        catch (JsonException ex)
        {
            // Only on this error path is the body scanned again, to tell broken JSON from a well-formed wrong value.
            if (!IsWellFormed(json, out var syntaxError))
            {
                errors.Add("body", syntaxError);
            }
            else
            {
                var field = JsonFieldException.FieldOf(ex);
                errors.Add(field, ex is JsonFieldException ? ex.Message : field == "body" ? "The body must be a JSON object." : JsonFieldException.WrongKind);
            }

            return null;
        }
    }

    private static bool IsWellFormed(ReadOnlySpan<byte> json, out string error)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = Apis.GatewayJsonContext.MaxDepth });
        try
        {
            while (reader.Read())
            {
            }

            error = string.Empty;
            return true;
        }
        catch (JsonException)
        {
            error = reader.CurrentDepth >= Apis.GatewayJsonContext.MaxDepth - 1
                ? $"The body is not valid JSON (nested deeper than {Apis.GatewayJsonContext.MaxDepth} levels, or broken)."
                : "The body is not valid JSON.";
            return false;
        }
    }
}
