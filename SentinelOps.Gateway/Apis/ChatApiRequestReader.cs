using System.Globalization;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis;

/// <summary>
/// Reads and checks a <c>POST /api/chat</c> body (source-generated DTO, then field checks against
/// <see cref="RequestLimitsOptions"/>) and turns it into the conversation and options for the provider chain.
/// </summary>
internal static class ChatApiRequestReader
{
    public static (List<ChatMessage>? Messages, ChatOptions? Options, ValidationErrors Errors) Read(ReadOnlySpan<byte> json, RequestLimitsOptions limits)
    {
        var errors = new ValidationErrors();
        var dto = RequestJson.Parse(json, GatewayJsonContext.Default.ChatApiRequest, errors);
        if (dto is null)
        {
            return (null, null, errors);
        }

        var messages = dto.Messages is not null ? ReadMessages(dto, limits, errors) : ReadShorthand(dto, limits, errors);
        if (dto.MaxTokens is < 1 || dto.MaxTokens > limits.MaxTokensCap)
        {
            errors.Add("max_tokens", string.Create(CultureInfo.InvariantCulture, $"Must be an integer between 1 and {limits.MaxTokensCap}."));
        }

        if (dto.Temperature is { } t && (!double.IsFinite(t) || t < 0 || t > 2))
        {
            errors.Add("temperature", "Must be a number between 0 and 2.");
        }

        return errors.Any
            ? (null, null, errors)
            : (messages, new ChatOptions { MaxOutputTokens = dto.MaxTokens, Temperature = (float?)dto.Temperature }, errors);
    }

    private static List<ChatMessage> ReadMessages(ChatApiRequest dto, RequestLimitsOptions limits, ValidationErrors errors)
    {
        var dtos = dto.Messages!;
        if (dto.Message is not null || dto.SystemPrompt is not null)
        {
            errors.Add(dto.Message is not null ? "message" : "system_prompt", "Send either messages, or the shorthand message (with system_prompt), not both.");
        }

        if (dtos.Count == 0)
        {
            errors.Add("messages", "Required: a non-empty array of messages.");
            return [];
        }

        if (dtos.Count > limits.MaxMessages)
        {
            errors.Add("messages", $"At most {limits.MaxMessages} messages.");
            return [];
        }

        var messages = new List<ChatMessage>(dtos.Count);
        for (var i = 0; i < dtos.Count && !errors.Full; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"messages[{i}]");
            ChatRole? role = dtos[i].Role switch
            {
                "system" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => null,
            };
            if (role is null)
            {
                errors.Add(field + ".role", dtos[i].Role is null ? "Required: one of system, user, assistant." : "Must be one of: system, user, assistant.");
            }

            if (dtos[i].Content is not { } content)
            {
                errors.Add(field + ".content", "Required: the message's text.");
            }
            else if (content.Length > limits.MaxMessageChars)
            {
                errors.Add(field + ".content", $"At most {limits.MaxMessageChars} characters.");
            }
            else if (role is not null)
            {
                messages.Add(new ChatMessage(role.Value, content));
            }
        }

        if (!errors.Any && !messages.Exists(m => m.Role == ChatRole.User))
        {
            errors.Add("messages", "At least one message must have the role user.");
        }

        return messages;
    }

    private static List<ChatMessage> ReadShorthand(ChatApiRequest dto, RequestLimitsOptions limits, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(dto.Message))
        {
            errors.Add("messages", "Required: messages ([{\"role\":\"user\",\"content\":\"…\"}]), or the shorthand message.");
        }
        else if (dto.Message.Length > limits.MaxMessageChars)
        {
            errors.Add("message", $"At most {limits.MaxMessageChars} characters.");
        }

        if (dto.SystemPrompt is { } system && system.Length > limits.MaxMessageChars)
        {
            errors.Add("system_prompt", $"At most {limits.MaxMessageChars} characters.");
        }

        return dto.SystemPrompt is { Length: > 0 } prompt
            ? [new(ChatRole.System, prompt), new(ChatRole.User, dto.Message)]
            : [new(ChatRole.User, dto.Message)];
    }
}
