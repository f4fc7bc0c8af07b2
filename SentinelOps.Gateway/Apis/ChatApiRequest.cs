using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Apis;

/// <summary>The body of <c>POST /api/chat</c> (the seed API's shape).</summary>
public sealed record ChatApiRequest
{
    /// <summary>Longest message accepted, in characters.</summary>
    public const int MaxMessageLength = 100_000;

    /// <summary>The user's message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>An optional system prompt sent before the message.</summary>
    [JsonPropertyName("system_prompt")]
    public string? SystemPrompt { get; init; }

    /// <summary>Upper bound on tokens in the answer.</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }

    /// <summary>Sampling temperature, 0 to 2.</summary>
    [JsonPropertyName("temperature")]
    public float? Temperature { get; init; }

    /// <summary>Checks the request and returns field-keyed errors, empty when valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Message))
        {
            errors["message"] = ["Required: the text to send to the model."];
        }
        else if (Message.Length > MaxMessageLength)
        {
            errors["message"] = [$"At most {MaxMessageLength} characters."];
        }

        if (SystemPrompt is { Length: > MaxMessageLength })
        {
            errors["system_prompt"] = [$"At most {MaxMessageLength} characters."];
        }

        if (MaxTokens is < 1 or > 1_000_000)
        {
            errors["max_tokens"] = ["Must be between 1 and 1000000."];
        }

        if (Temperature is { } t && (float.IsNaN(t) || t < 0 || t > 2))
        {
            errors["temperature"] = ["Must be between 0 and 2."];
        }

        return errors;
    }
}
