using System.Text.Json;

namespace SentinelOps.Gateway.Apis.OpenAi;

/// <summary>
/// The checks Microsoft.Extensions.AI and the provider SDKs make on a JSON schema while they build a provider's
/// request, made first so that such a schema is a 400 naming its member, never a failure inside a provider call.
/// </summary>
internal static class JsonSchemaRules
{
    // Keywords whose value is one subschema, a map of subschemas, or an array of them.
    private static readonly HashSet<string> SingleSubschema =
        ["items", "additionalProperties", "additionalItems", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties"];

    private static readonly HashSet<string> SubschemaMaps = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

    private static readonly HashSet<string> SubschemaArrays = ["anyOf", "allOf", "oneOf", "prefixItems"];

    /// <summary>
    /// A function's parameters: a schema whose every subschema is an object or a boolean (as the schema walker
    /// requires), and whose top level has the shape the OpenAI client reads it into: <c>type</c> a string,
    /// <c>properties</c> an object, <c>required</c> an array of strings, <c>additionalProperties</c> a boolean.
    /// </summary>
    /// <returns>The member at fault (<c>.properties.a</c>, empty for the schema itself) and why; null when valid.</returns>
    public static (string Member, string Message)? FunctionParametersError(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return (string.Empty, "Must be a JSON schema object.");
        }

        return UnicodeError(schema) ?? TopLevelError(schema) ?? SchemaError(schema, string.Empty);
    }

    private static (string Member, string Message)? TopLevelError(JsonElement schema)
    {
        foreach (var member in schema.EnumerateObject())
        {
            var error = member.Name switch
            {
                "type" when member.Value.ValueKind != JsonValueKind.String => "Must be a string (a JSON schema type).",
                "properties" when member.Value.ValueKind != JsonValueKind.Object => "Must be an object: one JSON schema per parameter.",
                "required" when member.Value.ValueKind != JsonValueKind.Array
                    || member.Value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String) => "Must be an array of parameter names.",
                "additionalProperties" when member.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "Must be true or false.",
                _ => null,
            };
            if (error is not null)
            {
                return ("." + member.Name, error);
            }
        }

        return null;
    }

    /// <summary>A schema (for <c>response_format</c>): an object whose every subschema is an object or a boolean.</summary>
    public static (string Member, string Message)? SchemaError(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
            ? UnicodeError(schema) ?? SchemaError(schema, string.Empty)
            : (string.Empty, "Must be a JSON schema object.");

    // A name or string escaped into an unpaired surrogate ("\ud800") cannot be read as a string, here or in the SDKs.
    private static (string Member, string Message)? UnicodeError(JsonElement schema)
    {
        try
        {
            ReadAllText(schema);
            return null;
        }
        catch (InvalidOperationException)
        {
            return (string.Empty, "Holds a name or string that is not valid Unicode.");
        }
    }

    private static void ReadAllText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    _ = member.Name;
                    ReadAllText(member.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadAllText(item);
                }

                break;
        }
    }

    private static (string Member, string Message)? SchemaError(JsonElement schema, string path)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return null;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return (path, "Must be a JSON schema: an object or a boolean.");
        }

        foreach (var member in schema.EnumerateObject())
        {
            var memberPath = path + "." + member.Name;
            var value = member.Value;
            (string, string)? error = null;
            if (SingleSubschema.Contains(member.Name))
            {
                // "items" may also be an array of schemas (tuple validation in older drafts).
                error = member.Name == "items" && value.ValueKind == JsonValueKind.Array ? ArrayError(value, memberPath) : SchemaError(value, memberPath);
            }
            else if (SubschemaMaps.Contains(member.Name))
            {
                error = value.ValueKind != JsonValueKind.Object ? (memberPath, "Must be an object of JSON schemas.") : MapError(value, memberPath);
            }
            else if (SubschemaArrays.Contains(member.Name))
            {
                error = value.ValueKind != JsonValueKind.Array ? (memberPath, "Must be an array of JSON schemas.") : ArrayError(value, memberPath);
            }

            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static (string, string)? MapError(JsonElement map, string path)
    {
        foreach (var entry in map.EnumerateObject())
        {
            if (SchemaError(entry.Value, path + "." + entry.Name) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static (string, string)? ArrayError(JsonElement array, string path)
    {
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (SchemaError(item, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{path}[{index++}]")) is { } error)
            {
                return error;
            }
        }

        return null;
    }
}
