namespace SentinelOps.Simulator.Replies;

/// <summary>A deterministic answer to a prompt, with the token counts a provider would report.</summary>
/// <remarks>
/// Tokens are whitespace-separated words: crude, but stable, so tests can assert exact content and usage.
/// </remarks>
public sealed class SimulatedReply
{
    private SimulatedReply(IReadOnlyList<string> chunks, int promptTokens, bool truncated)
    {
        Chunks = chunks;
        PromptTokens = promptTokens;
        Truncated = truncated;
    }

    /// <summary>The answer split into stream chunks; each chunk is one token with its trailing space.</summary>
    public IReadOnlyList<string> Chunks { get; }

    /// <summary>The whole answer.</summary>
    public string Text => string.Concat(Chunks);

    /// <summary>Tokens in the prompt (every message's words).</summary>
    public int PromptTokens { get; }

    /// <summary>Tokens in the answer.</summary>
    public int CompletionTokens => Chunks.Count;

    /// <summary>Whether the answer was cut short by the request's token limit.</summary>
    public bool Truncated { get; }

    /// <summary>Builds the answer to <paramref name="lastUserMessage"/>.</summary>
    /// <param name="allMessageText">Every message's text, for the prompt token count.</param>
    /// <param name="lastUserMessage">The message being answered.</param>
    /// <param name="maxTokens">The request's completion token limit, if any.</param>
    public static SimulatedReply For(IEnumerable<string> allMessageText, string lastUserMessage, int? maxTokens)
    {
        var words = $"Simulated answer to: {lastUserMessage.Trim()}".Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var take = maxTokens is > 0 && maxTokens < words.Length ? maxTokens.Value : words.Length;
        var chunks = new string[take];
        for (var i = 0; i < take; i++)
        {
            chunks[i] = i == take - 1 ? words[i] : words[i] + " ";
        }

        var promptTokens = allMessageText.Sum(CountWords);
        return new SimulatedReply(chunks, promptTokens, take < words.Length);
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
