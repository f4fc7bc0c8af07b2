using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Marks the first update of a continuation: from here on <paramref name="Provider"/> writes the answer that
/// <paramref name="After"/> left unfinished. The OpenAI endpoint writes it as an SSE comment, which every SSE parser
/// skips.
/// </summary>
/// <param name="Provider">The provider continuing the answer.</param>
/// <param name="After">The provider that stopped.</param>
/// <param name="Reason"><c>stall</c> (no chunk within its inter-chunk limit), <c>cut</c> (the connection broke) or <c>error</c>.</param>
public sealed record StreamContinued(string Provider, string After, string Reason)
{
    /// <summary>The key under which it travels in <see cref="ChatResponseUpdate.AdditionalProperties"/>.</summary>
    public const string AdditionalPropertiesKey = "sentinel.continued";

    /// <summary>The SSE comment line (without the blank line that ends the event).</summary>
    public string SseComment => $": x-sentinel continued provider={Provider} after={After} reason={Reason}";

    /// <summary>The marker on <paramref name="properties"/>, if any.</summary>
    public static StreamContinued? From(AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(AdditionalPropertiesKey, out var value) ? value as StreamContinued : null;

    /// <summary>The reason a stream stopped, for <see cref="Reason"/>.</summary>
    public static string ReasonFor(Exception exception) => exception switch
    {
        StreamStalledException => "stall",
        _ when ProviderErrorClassifier.StatusCode(exception) is not null => "error",
        HttpRequestException or IOException => "cut",
        { InnerException: { } inner } => ReasonFor(inner),
        _ => "error",
    };
}
