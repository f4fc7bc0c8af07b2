using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelOps.Gateway.Resilience;

/// <summary>Adds <see cref="StreamedResponseChatClient"/> to a chat client pipeline.</summary>
public static class StreamedResponseChatClientBuilderExtensions
{
    /// <summary>Makes non-streaming requests through the rest of the pipeline as streams, bounded by
    /// <see cref="AttemptTimeoutOptions.Attempt"/> as a whole; unless <see cref="AttemptTimeoutOptions.StreamNonStreamingRequests"/>
    /// is off, in which case the builder is returned unchanged.</summary>
    public static ChatClientBuilder UseStreamedResponses(this ChatClientBuilder builder, AttemptTimeoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return !options.StreamNonStreamingRequests ? builder : builder.Use((innerClient, services) =>
            new StreamedResponseChatClient(innerClient, options, services.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
