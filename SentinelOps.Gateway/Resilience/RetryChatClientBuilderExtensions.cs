using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelOps.Gateway.Resilience;

/// <summary>Adds <see cref="RetryChatClient"/> to a chat client pipeline.</summary>
public static class RetryChatClientBuilderExtensions
{
    /// <summary>Retries transient failures of the rest of the pipeline.</summary>
    public static ChatClientBuilder UseRetry(this ChatClientBuilder builder, RetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.Use((innerClient, services) =>
            new RetryChatClient(innerClient, options, services.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
