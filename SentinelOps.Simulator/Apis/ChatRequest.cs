namespace SentinelOps.Simulator.Apis;

/// <summary>The parts of a chat request, in either protocol, that the simulator acts on.</summary>
/// <param name="Model">The requested model.</param>
/// <param name="MessageRoles">Every message's role, in order.</param>
/// <param name="MessageTexts">Every message's text, in order.</param>
/// <param name="Stream">Whether the client asked for a stream.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk (OpenAI).</param>
/// <param name="MaxTokens">The completion token limit, if any.</param>
/// <param name="ToolName">The name of the first function tool offered, if any.</param>
internal sealed record ChatRequest(
    string Model,
    IReadOnlyList<string> MessageRoles,
    IReadOnlyList<string> MessageTexts,
    bool Stream,
    bool IncludeUsage,
    int? MaxTokens,
    string? ToolName = null);
