using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Apis.OpenAi.Wire;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis.OpenAi;

/// <summary>
/// Reads an OpenAI <c>/v1/chat/completions</c> body: parses it into source-generated DTOs (a wrong JSON kind anywhere
/// is an error naming its path), checks every field against <see cref="RequestLimitsOptions"/>, and translates it into
/// Microsoft.Extensions.AI types. Errors are named as OpenAI does (<c>messages[1].role</c>); at most
/// <see cref="ValidationErrors.MaxKept"/> are kept.
/// </summary>
internal static class ChatCompletionRequestReader
{
    private const int MaxStopSequences = 4;
    private const int MaxFunctionNameLength = 64;
    private const string FunctionNameRule = "1 to 64 letters, digits, '_' and '-'.";

    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}").RootElement.Clone();

    public static (ChatCompletionRequest? Request, ValidationErrors Errors) Read(ReadOnlySpan<byte> json, RequestLimitsOptions limits)
    {
        var errors = new ValidationErrors();
        var dto = RequestJson.Parse(json, GatewayJsonContext.Default.ChatCompletionRequestDto, errors);
        if (dto is null)
        {
            return (null, errors);
        }

        if (string.IsNullOrWhiteSpace(dto.Model))
        {
            errors.Add("model", "Required: a model name (any name; the gateway's provider chain decides which model answers).");
        }
        else if (limits.AllowedModels.Length > 0 && !limits.AllowedModels.Contains(dto.Model, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("model", "Not one of the models this gateway allows: " + string.Join(", ", limits.AllowedModels) + ".");
        }

        var messages = ReadMessages(dto.Messages, limits, errors);
        var options = new ChatOptions
        {
            Temperature = Range(dto.Temperature, "temperature", 0, 2, errors),
            TopP = Range(dto.TopP, "top_p", 0, 1, errors),
            PresencePenalty = Range(dto.PresencePenalty, "presence_penalty", -2, 2, errors),
            FrequencyPenalty = Range(dto.FrequencyPenalty, "frequency_penalty", -2, 2, errors),
            MaxOutputTokens = MaxTokens(dto.MaxCompletionTokens, "max_completion_tokens", limits, errors) ?? MaxTokens(dto.MaxTokens, "max_tokens", limits, errors),
            Seed = dto.Seed,
            StopSequences = ReadStop(dto.Stop, errors),
            Tools = ReadTools(dto.Tools, limits, errors),
            ToolMode = ReadToolMode(dto.ToolChoice, errors),
            ResponseFormat = ReadResponseFormat(dto.ResponseFormat, errors),
        };

        if (dto.N is not (null or 1))
        {
            errors.Add("n", "Only n = 1 is supported.");
        }

        return errors.Any
            ? (null, errors)
            : (new ChatCompletionRequest(dto.Model!, messages, options, dto.Stream ?? false, dto.StreamOptions?.IncludeUsage ?? false), errors);
    }

    private static List<ChatMessage> ReadMessages(List<ChatMessageDto>? dtos, RequestLimitsOptions limits, ValidationErrors errors)
    {
        var messages = new List<ChatMessage>(dtos?.Count ?? 0);
        if (dtos is not { Count: > 0 })
        {
            errors.Add("messages", "Required: a non-empty array of messages.");
            return messages;
        }

        if (dtos.Count > limits.MaxMessages)
        {
            errors.Add("messages", $"At most {limits.MaxMessages} messages.");
            return messages;
        }

        for (var i = 0; i < dtos.Count && !errors.Full; i++)
        {
            var dto = dtos[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"messages[{i}]");
            ChatRole? role = dto.Role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                _ => null,
            };
            if (role is null)
            {
                errors.Add(field + ".role", dto.Role is null ? "Required: one of system, developer, user, assistant, tool." : "Must be one of: system, developer, user, assistant, tool.");
                continue;
            }

            var contents = new List<AIContent>();
            var text = ReadContent(dto.Content, field, limits, contents, errors);
            if (role == ChatRole.Tool)
            {
                if (string.IsNullOrWhiteSpace(dto.ToolCallId))
                {
                    errors.Add(field + ".tool_call_id", "Required for tool messages.");
                    continue;
                }

                contents = [new FunctionResultContent(dto.ToolCallId, text ?? string.Empty)];
            }
            else if (role == ChatRole.Assistant)
            {
                ReadToolCalls(dto.ToolCalls, field, limits, contents, errors);
            }
            else if (dto.Content is null)
            {
                errors.Add(field + ".content", "Required for system, developer and user messages.");
            }

            messages.Add(new ChatMessage(role.Value, contents) { AuthorName = dto.Name });
        }

        return messages;
    }

    // Adds the content to contents; returns all its text, for tool results.
    private static string? ReadContent(MessageContentDto? content, string field, RequestLimitsOptions limits, List<AIContent> contents, ValidationErrors errors)
    {
        if (content is null)
        {
            return null;
        }

        if (content.Text is { } text)
        {
            if (text.Length > limits.MaxMessageChars)
            {
                errors.Add(field + ".content", $"At most {limits.MaxMessageChars} characters.");
            }

            contents.Add(new TextContent(text));
            return text;
        }

        var parts = content.Parts!;
        if (parts.Count > limits.MaxContentParts)
        {
            errors.Add(field + ".content", $"At most {limits.MaxContentParts} content parts.");
            return null;
        }

        var length = 0;
        string? allText = null;
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var partField = string.Create(CultureInfo.InvariantCulture, $"{field}.content[{i}]");
            switch (part.Type)
            {
                case "text" when part.Text is { } partText:
                    length += partText.Length;
                    allText += partText;
                    contents.Add(new TextContent(partText));
                    break;
                case "image_url" when part.ImageUrl?.Url is { } url:
                    if (ImageUrls.Read(url) is { } image)
                    {
                        contents.Add(image);
                    }
                    else
                    {
                        errors.Add(partField + ".image_url.url", "Must be an http(s) URL or a data URL of an image (data:image/png;base64,…).");
                    }

                    break;
                default:
                    errors.Add(partField, "Supported parts: {\"type\":\"text\",\"text\":…} and {\"type\":\"image_url\",\"image_url\":{\"url\":…}}.");
                    break;
            }
        }

        if (length > limits.MaxMessageChars)
        {
            errors.Add(field + ".content", $"At most {limits.MaxMessageChars} characters.");
        }

        return allText;
    }

    private static void ReadToolCalls(List<ToolCallDto>? calls, string field, RequestLimitsOptions limits, List<AIContent> contents, ValidationErrors errors)
    {
        if (calls is null)
        {
            return;
        }

        if (calls.Count > limits.MaxTools)
        {
            errors.Add(field + ".tool_calls", $"At most {limits.MaxTools} tool calls.");
            return;
        }

        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            var callField = string.Create(CultureInfo.InvariantCulture, $"{field}.tool_calls[{i}]");
            if (string.IsNullOrWhiteSpace(call.Id) || call.Function?.Name is not { Length: > 0 } functionName)
            {
                errors.Add(callField, "Needs id and function.name.");
                continue;
            }

            var callId = call.Id;
            if (!IsFunctionName(functionName))
            {
                errors.Add(callField + ".function.name", FunctionNameRule);
                continue;
            }

            Dictionary<string, object?>? arguments = null;
            if (call.Function.Arguments is { Length: > 0 } json)
            {
                arguments = ToolCallArguments.Parse(json);
                if (arguments is null)
                {
                    errors.Add(callField + ".function.arguments", "Must be a JSON object encoded as a string.");
                    continue;
                }
            }

            contents.Add(new FunctionCallContent(callId, functionName, arguments));
        }
    }

    private static List<AITool>? ReadTools(List<ToolDto>? tools, RequestLimitsOptions limits, ValidationErrors errors)
    {
        if (tools is null)
        {
            return null;
        }

        if (tools.Count > limits.MaxTools)
        {
            errors.Add("tools", $"At most {limits.MaxTools} tools.");
            return null;
        }

        var result = new List<AITool>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"tools[{i}]");
            if (tool.Type is not (null or "function"))
            {
                errors.Add(field + ".type", "Only \"function\" tools are supported.");
                continue;
            }

            if (tool.Function?.Name is not { Length: > 0 } name)
            {
                errors.Add(field, "Needs {\"type\":\"function\",\"function\":{\"name\":…}}.");
                continue;
            }

            if (!IsFunctionName(name))
            {
                errors.Add(field + ".function.name", FunctionNameRule);
                continue;
            }

            if (tool.Function.Parameters is { } parameters && JsonSchemaRules.FunctionParametersError(parameters) is { } schemaError)
            {
                errors.Add(field + ".function.parameters" + schemaError.Member, schemaError.Message);
                continue;
            }

            result.Add(AIFunctionFactory.CreateDeclaration(name, tool.Function.Description, tool.Function.Parameters ?? EmptyObjectSchema));
        }

        return result;
    }

    private static bool IsFunctionName(string name) =>
        name.Length is > 0 and <= MaxFunctionNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static ChatToolMode? ReadToolMode(ToolChoiceDto? choice, ValidationErrors errors)
    {
        switch (choice)
        {
            case null:
                return null;
            case { Mode: "auto" }:
                return ChatToolMode.Auto;
            case { Mode: "none" }:
                return ChatToolMode.None;
            case { Mode: "required" }:
                return ChatToolMode.RequireAny;
            case { Function.Function.Name: { } name } when IsFunctionName(name):
                return ChatToolMode.RequireSpecific(name);
            default:
                errors.Add("tool_choice", "Must be \"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":…}}.");
                return null;
        }
    }

    private static ChatResponseFormat? ReadResponseFormat(ResponseFormatDto? format, ValidationErrors errors)
    {
        switch (format)
        {
            case null:
                return null;
            case { Type: "text" }:
                return ChatResponseFormat.Text;
            case { Type: "json_object" }:
                return ChatResponseFormat.Json;
            case { Type: "json_schema", JsonSchema: { Schema: { ValueKind: JsonValueKind.Object } schema, Name: var name } }:
                if (name is not null && !IsFunctionName(name))
                {
                    errors.Add("response_format.json_schema.name", FunctionNameRule);
                    return null;
                }

                if (JsonSchemaRules.SchemaError(schema) is { } schemaError)
                {
                    errors.Add("response_format.json_schema.schema" + schemaError.Member, schemaError.Message);
                    return null;
                }

                return ChatResponseFormat.ForJsonSchema(schema, name, format.JsonSchema.Description);
            default:
                errors.Add("response_format", "Must be {\"type\":\"text\"}, {\"type\":\"json_object\"} or {\"type\":\"json_schema\",\"json_schema\":{\"schema\":{…}}}.");
                return null;
        }
    }

    private static List<string>? ReadStop(StopDto? stop, ValidationErrors errors)
    {
        if (stop is null)
        {
            return null;
        }

        if (stop.Sequences.Count > MaxStopSequences)
        {
            errors.Add("stop", $"Must be a string or an array of at most {MaxStopSequences} strings.");
            return null;
        }

        return stop.Sequences;
    }

    private static float? Range(double? value, string field, double min, double max, ValidationErrors errors)
    {
        if (value is not { } number)
        {
            return null;
        }

        if (!double.IsFinite(number) || number < min || number > max)
        {
            errors.Add(field, string.Create(CultureInfo.InvariantCulture, $"Must be a number between {min} and {max}."));
            return null;
        }

        return (float)number;
    }

    private static int? MaxTokens(int? value, string field, RequestLimitsOptions limits, ValidationErrors errors)
    {
        if (value is { } tokens && (tokens < 1 || tokens > limits.MaxTokensCap))
        {
            errors.Add(field, string.Create(CultureInfo.InvariantCulture, $"Must be an integer between 1 and {limits.MaxTokensCap}."));
            return null;
        }

        return value;
    }
}
