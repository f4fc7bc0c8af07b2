using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace SentinelOps.Gateway.Resilience;

/// <summary>Helpers for reasoning about streamed updates.</summary>
internal static class ChatResponseUpdateExtensions
{
    /// <summary>
    /// Whether the update carries something a caller would show: text, a tool call, an image…, as opposed to a
    /// role-only preamble, an empty delta or usage figures. The first such update commits a stream to its provider.
    /// </summary>
    public static bool HasContent(this ChatResponseUpdate update)
    {
        // Indexed: a foreach over the IList would allocate an enumerator for every update, at every layer that asks.
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not UsageContent and not TextContent { Text.Length: 0 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the update carries usage figures (<see cref="UsageContent"/>).</summary>
    public static bool HasUsage(this ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the update shows the provider still producing its answer, for the inter-chunk limit: content
    /// (<see cref="HasContent"/>), or a piece of a tool call's arguments from the OpenAI client, which
    /// Microsoft.Extensions.AI holds back and surfaces as one function call at the end of the stream. A role-only
    /// preamble, an empty delta, a finish reason or usage figures are not; SSE comments (keep-alives) never become
    /// updates at all.
    /// </summary>
    public static bool IsProgress(this ChatResponseUpdate update) =>
        update.HasContent() || update.RawRepresentation is StreamingChatCompletionUpdate { ToolCallUpdates.Count: > 0 };
}
