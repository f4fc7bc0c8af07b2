using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// What the next provider is sent to continue an interrupted answer: the original messages, the partial answer as the
/// assistant's message, and an instruction to go on exactly where it stopped.
/// </summary>
public static class ContinuationPrompt
{
    /// <summary>The instruction sent as the last (user) message.</summary>
    public const string Instruction =
        "Your previous reply was cut off. Continue it exactly where it stopped, starting with the very next character: "
        + "do not repeat any of it, and add no preamble, explanation or closing remark. What you write is appended to it as is.";

    /// <summary>The conversation for the next provider: <paramref name="messages"/>, then the partial answer, then the instruction.</summary>
    /// <param name="messages">The request's messages, unchanged.</param>
    /// <param name="partialAnswer">The text that already reached the client.</param>
    public static List<ChatMessage> Build(IEnumerable<ChatMessage> messages, string partialAnswer)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(partialAnswer);
        return
        [
            .. messages,
            new ChatMessage(ChatRole.Assistant, partialAnswer),
            new ChatMessage(ChatRole.User, Instruction),
        ];
    }
}
