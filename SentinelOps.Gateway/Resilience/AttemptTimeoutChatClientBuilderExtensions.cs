using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelOps.Gateway.Resilience;

/// <summary>Adds <see cref="AttemptTimeoutChatClient"/> to a chat client pipeline.</summary>
public static class AttemptTimeoutChatClientBuilderExtensions
{
    /// <summary>Bounds each attempt made through the rest of the pipeline.</summary>
    public static ChatClientBuilder UseAttemptTimeout(this ChatClientBuilder builder, AttemptTimeoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.Use((innerClient, services) =>
            new AttemptTimeoutChatClient(innerClient, options, services.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
