using System.Text.Json;

namespace SentinelOps.Gateway.Apis.OpenAi;

/// <summary>A tool call's <c>function.arguments</c>, as the OpenAI API sends them.</summary>
internal static class ToolCallArguments
{
    // A tool call's arguments: a JSON object in a string. Values stay JsonElements (no reflection-based binding).
    public static Dictionary<string, object?>? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = GatewayJsonContext.MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var arguments = new Dictionary<string, object?>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }

            return arguments;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Broken JSON, or a name escaped into an unpaired surrogate that cannot be read as a string.
            return null;
        }
    }
}
