using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Apis.OpenAi;

/// <summary>An OpenAI chat completion request, translated for the provider chain.</summary>
/// <param name="Model">The model the client named; the chain decides which provider, and so which model, answers.</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">Sampling, limits and tools.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a stream ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
internal sealed record ChatCompletionRequest(string Model, IReadOnlyList<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage);
