using System.Text.Json;

namespace SentinelOps.Simulator.Apis;

/// <summary>Reads a chat request body, reporting the first field that is wrong.</summary>
internal static class ChatRequestReader
{
    /// <summary>Parses the request body of either protocol.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="streamByDefault">Ollama streams unless told not to; OpenAI does not.</param>
    /// <param name="cancellationToken">Aborts the read.</param>
    /// <returns>The request, or the name of the bad field and what is wrong with it.</returns>
    public static async Task<(ChatRequest? Request, string? Field, string? Error)> ReadAsync(
        Stream body, bool streamByDefault, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return (null, "body", $"The request body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "body", "The request body must be a JSON object.");
            }

            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
            {
                return (null, "model", "Required: the model to use.");
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                return (null, "messages", "Required: a non-empty array of messages.");
            }

            var roles = new List<string>();
            var texts = new List<string>();
            foreach (var message in messages.EnumerateArray())
            {
                var isObject = message.ValueKind == JsonValueKind.Object;
                texts.Add(isObject && message.TryGetProperty("content", out var content) ? ContentText(content) : string.Empty);
                roles.Add(isObject && message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString()! : string.Empty);
            }

            var stream = root.TryGetProperty("stream", out var streamProperty) && streamProperty.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? streamProperty.GetBoolean()
                : streamByDefault;
            var includeUsage = root.TryGetProperty("stream_options", out var streamOptions)
                && streamOptions.ValueKind == JsonValueKind.Object
                && streamOptions.TryGetProperty("include_usage", out var usage)
                && usage.ValueKind == JsonValueKind.True;

            return (new ChatRequest(modelName, roles, texts, stream, includeUsage, MaxTokens(root), FirstToolName(root)), null, null);
        }
    }

    private static int? MaxTokens(JsonElement root)
    {
        foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens"])
        {
            if (root.TryGetProperty(name, out var value) && value.TryGetInt32(out var limit))
            {
                return limit;
            }
        }

        return root.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("num_predict", out var numPredict) && numPredict.TryGetInt32(out var predict)
            ? predict
            : null;
    }

    // Both protocols offer tools as [{"type": "function", "function": {"name": …}}].
    private static string? FirstToolName(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object
                && tool.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                return name.GetString();
            }
        }

        return null;
    }

    // OpenAI allows content as a string or as an array of typed parts.
    private static string ContentText(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Join(' ', content.EnumerateArray()
            .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out _))
            .Select(part => part.GetProperty("text").GetString())),
        _ => string.Empty,
    };
}
