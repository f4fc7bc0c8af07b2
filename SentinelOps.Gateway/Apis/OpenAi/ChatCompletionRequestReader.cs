using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Apis.OpenAi;

/// <summary>
/// Reads an OpenAI <c>/v1/chat/completions</c> body into Microsoft.Extensions.AI types, collecting an error per bad field
/// (named as OpenAI does, e.g. <c>messages[1].role</c>) so the caller gets all of them at once.
/// </summary>
internal static class ChatCompletionRequestReader
{
    private const int MaxStopSequences = 4;

    public static (ChatCompletionRequest? Request, Dictionary<string, string[]> Errors) Read(JsonElement root)
    {
        var errors = new Dictionary<string, string[]>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object."];
            return (null, errors);
        }

        var model = root.TryGetProperty("model", out var modelElement) && modelElement.ValueKind == JsonValueKind.String ? modelElement.GetString() : null;
        if (string.IsNullOrWhiteSpace(model))
        {
            errors["model"] = ["Required: a model name (any name; the gateway's provider chain decides which model answers)."];
        }

        var messages = ReadMessages(root, errors);
        var options = new ChatOptions
        {
            Temperature = ReadNumber(root, "temperature", 0, 2, errors),
            TopP = ReadNumber(root, "top_p", 0, 1, errors),
            PresencePenalty = ReadNumber(root, "presence_penalty", -2, 2, errors),
            FrequencyPenalty = ReadNumber(root, "frequency_penalty", -2, 2, errors),
            MaxOutputTokens = ReadInteger(root, "max_completion_tokens", errors) ?? ReadInteger(root, "max_tokens", errors),
            Seed = root.TryGetProperty("seed", out var seed) && seed.ValueKind != JsonValueKind.Null
                ? (seed.TryGetInt64(out var s) ? s : Fail<long?>(errors, "seed", "Must be an integer."))
                : null,
            StopSequences = ReadStop(root, errors),
            Tools = ReadTools(root, errors),
            ToolMode = ReadToolMode(root, errors),
            ResponseFormat = ReadResponseFormat(root, errors),
        };

        if (root.TryGetProperty("n", out var n) && n.ValueKind != JsonValueKind.Null && !(n.TryGetInt32(out var choices) && choices == 1))
        {
            errors["n"] = ["Only n = 1 is supported."];
        }

        var stream = ReadBoolean(root, "stream", errors) ?? false;
        var includeUsage = root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
            && (ReadBoolean(streamOptions, "include_usage", errors, "stream_options.") ?? false);

        return errors.Count > 0 ? (null, errors) : (new ChatCompletionRequest(model!, messages, options, stream, includeUsage), errors);
    }

    private static List<ChatMessage> ReadMessages(JsonElement root, Dictionary<string, string[]> errors)
    {
        var messages = new List<ChatMessage>();
        if (!root.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            errors["messages"] = ["Required: a non-empty array of messages."];
            return messages;
        }

        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var field = $"messages[{index++}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors[field] = ["Each message must be an object with a role and content."];
                continue;
            }

            var role = element.TryGetProperty("role", out var roleElement) ? roleElement.GetString() : null;
            ChatRole? chatRole = role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                _ => null,
            };
            if (chatRole is null)
            {
                errors[field + ".role"] = ["Must be one of: system, developer, user, assistant, tool."];
                continue;
            }

            var contents = new List<AIContent>();
            if (chatRole == ChatRole.Tool)
            {
                var callId = element.TryGetProperty("tool_call_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                if (string.IsNullOrEmpty(callId))
                {
                    errors[field + ".tool_call_id"] = ["Required for tool messages."];
                    continue;
                }

                contents.Add(new FunctionResultContent(callId, ContentText(element)));
            }
            else
            {
                ReadContent(element, field, contents, errors);
                if (chatRole == ChatRole.Assistant)
                {
                    ReadToolCalls(element, field, contents, errors);
                }
            }

            messages.Add(new ChatMessage(chatRole.Value, contents)
            {
                AuthorName = element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            });
        }

        return messages;
    }

    private static void ReadContent(JsonElement message, string field, List<AIContent> contents, Dictionary<string, string[]> errors)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            contents.Add(new TextContent(content.GetString()));
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            errors[field + ".content"] = ["Must be a string or an array of content parts."];
            return;
        }

        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partField = $"{field}.content[{index++}]";
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "text" when part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String:
                    contents.Add(new TextContent(text.GetString()));
                    break;
                case "image_url" when part.TryGetProperty("image_url", out var image) && image.TryGetProperty("url", out var url)
                                      && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri):
                    contents.Add(uri.Scheme == "data" ? new DataContent(uri.ToString()) : new UriContent(uri, "image/*"));
                    break;
                default:
                    errors[partField] = ["Supported parts: {\"type\":\"text\",\"text\":…} and {\"type\":\"image_url\",\"image_url\":{\"url\":…}}."];
                    break;
            }
        }
    }

    private static void ReadToolCalls(JsonElement message, string field, List<AIContent> contents, Dictionary<string, string[]> errors)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var callField = $"{field}.tool_calls[{index++}]";
            if (call.ValueKind != JsonValueKind.Object
                || !call.TryGetProperty("id", out var id) || id.GetString() is not { Length: > 0 } callId
                || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.GetString() is not { Length: > 0 } functionName)
            {
                errors[callField] = ["Needs id and function.name."];
                continue;
            }

            Dictionary<string, object?>? arguments = null;
            if (function.TryGetProperty("arguments", out var args) && args.GetString() is { Length: > 0 } json)
            {
                try
                {
                    arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(json);
                }
                catch (JsonException)
                {
                    errors[callField + ".function.arguments"] = ["Must be a JSON object encoded as a string."];
                    continue;
                }
            }

            contents.Add(new FunctionCallContent(callId, functionName, arguments));
        }
    }

    private static List<AITool>? ReadTools(JsonElement root, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            errors["tools"] = ["Must be an array of function tools."];
            return null;
        }

        var result = new List<AITool>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var field = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object
                || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.GetString() is not { Length: > 0 } functionName)
            {
                errors[field] = ["Needs {\"type\":\"function\",\"function\":{\"name\":…}}."];
                continue;
            }

            var description = function.TryGetProperty("description", out var d) ? d.GetString() : null;
            var schema = function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                ? parameters.Clone()
                : JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}").RootElement.Clone();
            result.Add(AIFunctionFactory.CreateDeclaration(functionName, description, schema));
        }

        return result;
    }

    private static ChatToolMode? ReadToolMode(JsonElement root, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            switch (choice.GetString())
            {
                case "auto": return ChatToolMode.Auto;
                case "none": return ChatToolMode.None;
                case "required": return ChatToolMode.RequireAny;
            }
        }
        else if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var function)
                 && function.TryGetProperty("name", out var name) && name.GetString() is { Length: > 0 } functionName)
        {
            return ChatToolMode.RequireSpecific(functionName);
        }

        return Fail<ChatToolMode?>(errors, "tool_choice", "Must be \"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":…}}.");
    }

    private static ChatResponseFormat? ReadResponseFormat(JsonElement root, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty("response_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var t) ? t.GetString() : null;
        return type switch
        {
            "text" => ChatResponseFormat.Text,
            "json_object" => ChatResponseFormat.Json,
            "json_schema" when format.TryGetProperty("json_schema", out var js) && js.TryGetProperty("schema", out var schema) =>
                ChatResponseFormat.ForJsonSchema(schema.Clone(), js.TryGetProperty("name", out var n) ? n.GetString() : null),
            _ => Fail<ChatResponseFormat?>(errors, "response_format", "Must be {\"type\":\"text\"}, {\"type\":\"json_object\"} or {\"type\":\"json_schema\",\"json_schema\":{\"schema\":…}}."),
        };
    }

    private static List<string>? ReadStop(JsonElement root, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            return [stop.GetString()!];
        }

        if (stop.ValueKind == JsonValueKind.Array && stop.GetArrayLength() <= MaxStopSequences
            && stop.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String))
        {
            return [.. stop.EnumerateArray().Select(s => s.GetString()!)];
        }

        return Fail<List<string>?>(errors, "stop", $"Must be a string or an array of at most {MaxStopSequences} strings.");
    }

    private static float? ReadNumber(JsonElement root, string name, double min, double max, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && number >= min && number <= max
            ? (float)number
            : Fail<float?>(errors, name, $"Must be a number between {min} and {max}.");
    }

    private static int? ReadInteger(JsonElement root, string name, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 1
            ? number
            : Fail<int?>(errors, name, "Must be a positive integer.");
    }

    private static bool? ReadBoolean(JsonElement element, string name, Dictionary<string, string[]> errors, string prefix = "")
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : Fail<bool?>(errors, prefix + name, "Must be true or false.");
    }

    private static string ContentText(JsonElement message) =>
        message.TryGetProperty("content", out var content) ? content.ValueKind switch
        {
            JsonValueKind.String => content.GetString() ?? string.Empty,
            JsonValueKind.Array => string.Concat(content.EnumerateArray()
                .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out _))
                .Select(p => p.GetProperty("text").GetString())),
            _ => string.Empty,
        } : string.Empty;

    private static T Fail<T>(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return default!;
    }
}
