using Microsoft.Extensions.AI;

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
}
