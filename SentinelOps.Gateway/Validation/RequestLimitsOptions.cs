using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Validation;

/// <summary>What a chat request may contain (section <c>Gateway:Requests</c>); checked before any provider is called.</summary>
public sealed class RequestLimitsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Requests";

    /// <summary>The largest message count any configuration may allow: the reader stops at this count, whatever the body holds.</summary>
    public const int MessagesCeiling = 4096;

    /// <summary>The largest tool (and tool call, and content part) count any configuration may allow.</summary>
    public const int ItemsCeiling = 1024;

    /// <summary>Largest request body in bytes (default 1 MiB); a larger one is answered 413 without being read.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Gateway:Requests:MaxBodyBytes must be between 1 KiB and 64 MiB.")]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most messages in one request.</summary>
    [Range(1, MessagesCeiling, ErrorMessage = "Gateway:Requests:MaxMessages must be between 1 and 4096.")]
    public int MaxMessages { get; set; } = 1000;

    /// <summary>Longest text of one message, in characters (all its text parts together).</summary>
    [Range(1, 10_000_000, ErrorMessage = "Gateway:Requests:MaxMessageChars must be between 1 and 10000000.")]
    public int MaxMessageChars { get; set; } = 100_000;

    /// <summary>Most content parts in one message.</summary>
    [Range(1, ItemsCeiling, ErrorMessage = "Gateway:Requests:MaxContentParts must be between 1 and 1024.")]
    public int MaxContentParts { get; set; } = 64;

    /// <summary>Most tools in one request (OpenAI's own limit is 128).</summary>
    [Range(0, ItemsCeiling, ErrorMessage = "Gateway:Requests:MaxTools must be between 0 and 1024.")]
    public int MaxTools { get; set; } = 128;

    /// <summary>The highest <c>max_tokens</c> a client may ask for.</summary>
    [Range(1, 10_000_000, ErrorMessage = "Gateway:Requests:MaxTokensCap must be between 1 and 10000000.")]
    public int MaxTokensCap { get; set; } = 100_000;

    /// <summary>When not empty, the only <c>model</c> names <c>/v1/chat/completions</c> accepts (case-insensitive).</summary>
    public string[] AllowedModels { get; set; } = [];
}
