using System.Text.Json;

namespace SentinelOps.Simulator.Replies;

/// <summary>A deterministic answer to a conversation, with the token counts a provider would report.</summary>
/// <remarks>
/// Tokens are whitespace-separated words: crude, but stable, so tests can assert exact content and usage. Three kinds
/// of answer, in this order:
/// <list type="bullet">
/// <item>a continuation: the conversation ends with an assistant message and a user message asking to continue it,
/// and that assistant text is a prefix of the answer to the question before it: the answer is the rest of it (nothing,
/// when it was all there), so a gateway's mid-stream continuation can be checked to the character;</item>
/// <item>a tool call, when the request offers tools and ends with a user message: a call to the first tool with
/// <c>{"question": "&lt;that message&gt;"}</c>, streamed in three argument fragments;</item>
/// <item>otherwise <c>Simulated answer to: &lt;last user message&gt;</c>.</item>
/// </list>
/// </remarks>
public sealed class SimulatedReply
{
    private const string Prefix = "Simulated answer to: ";

    private SimulatedReply(IReadOnlyList<string> chunks, int promptTokens, bool truncated, SimulatedToolCall? toolCall)
    {
        Chunks = chunks;
        PromptTokens = promptTokens;
        Truncated = truncated;
        ToolCall = toolCall;
    }

    /// <summary>
    /// What is streamed, piece by piece: the answer's tokens, each with its trailing space, or, for a tool call, the
    /// fragments of its arguments.
    /// </summary>
    public IReadOnlyList<string> Chunks { get; }

    /// <summary>The whole text answer; empty for a tool call.</summary>
    public string Text => ToolCall is null ? string.Concat(Chunks) : string.Empty;

    /// <summary>The tool call this reply makes instead of a text answer, if any.</summary>
    public SimulatedToolCall? ToolCall { get; }

    /// <summary>Tokens in the prompt (every message's words).</summary>
    public int PromptTokens { get; }

    /// <summary>Tokens in the answer.</summary>
    public int CompletionTokens => Chunks.Count;

    /// <summary>Whether the answer was cut short by the request's token limit.</summary>
    public bool Truncated { get; }

    /// <summary>Builds the answer to a conversation.</summary>
    /// <param name="roles">Every message's role, in order.</param>
    /// <param name="texts">Every message's text, in order.</param>
    /// <param name="maxTokens">The request's completion token limit, if any.</param>
    /// <param name="toolName">The first tool the request offers, if any.</param>
    public static SimulatedReply For(IReadOnlyList<string> roles, IReadOnlyList<string> texts, int? maxTokens, string? toolName = null)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(texts);
        var promptTokens = texts.Sum(CountWords);
        var last = roles.Count - 1;
        if (IsContinuation(roles, texts, maxTokens, out var remainder, out var truncated))
        {
            return new SimulatedReply(SplitAfterSpaces(remainder), promptTokens, truncated, toolCall: null);
        }

        if (toolName is not null && last >= 0 && roles[last] == "user")
        {
            var question = JsonSerializer.Serialize(texts[last].Trim());
            var fragments = new[] { "{\"question\":", question, "}" };
            return new SimulatedReply(fragments, promptTokens, truncated: false, new SimulatedToolCall(toolName, string.Concat(fragments)));
        }

        var (answer, cut) = Answer(LastUserMessage(roles, texts, roles.Count), maxTokens);
        return new SimulatedReply(SplitAfterSpaces(answer), promptTokens, cut, toolCall: null);
    }

    // [… user question, assistant partial, user "continue …"] where the partial is a prefix of the answer.
    private static bool IsContinuation(IReadOnlyList<string> roles, IReadOnlyList<string> texts, int? maxTokens, out string remainder, out bool truncated)
    {
        remainder = string.Empty;
        truncated = false;
        var last = roles.Count - 1;
        if (last < 2 || roles[last] != "user" || roles[last - 1] != "assistant"
            || !texts[last].Contains("continue", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var partial = texts[last - 1];
        var (answer, cut) = Answer(LastUserMessage(roles, texts, last - 1), maxTokens);
        if (partial.Length == 0 || !answer.StartsWith(partial, StringComparison.Ordinal))
        {
            return false;
        }

        remainder = answer[partial.Length..];
        truncated = cut;
        return true;
    }

    private static string LastUserMessage(IReadOnlyList<string> roles, IReadOnlyList<string> texts, int before)
    {
        for (var i = before - 1; i >= 0; i--)
        {
            if (roles[i] == "user")
            {
                return texts[i];
            }
        }

        return string.Empty;
    }

    private static (string Answer, bool Truncated) Answer(string question, int? maxTokens)
    {
        var words = (Prefix + question.Trim()).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var take = maxTokens is > 0 && maxTokens < words.Length ? maxTokens.Value : words.Length;
        return (string.Join(' ', words, 0, take), take < words.Length);
    }

    // One chunk per token, each with the spaces after it: "to: what" -> "to: ", "what".
    private static string[] SplitAfterSpaces(string text)
    {
        var chunks = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] != ' ' && text[i - 1] == ' '))
            {
                chunks.Add(text[start..i]);
                start = i;
            }
        }

        return [.. chunks];
    }

    private static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var isSpace = char.IsWhiteSpace(c);
            if (!isSpace && !inWord)
            {
                count++;
            }

            inWord = !isSpace;
        }

        return count;
    }
}
