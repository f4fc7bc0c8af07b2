using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelOps.Gateway.Metrics;

/// <summary>Adds <see cref="RequestMetricsChatClient"/> to a chat client pipeline.</summary>
public static class RequestMetricsChatClientBuilderExtensions
{
    /// <summary>Reports how every request ends to the <see cref="RequestOutcomeRecorder"/> in the services. Use it first (outermost).</summary>
    public static ChatClientBuilder UseRequestMetrics(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) => new RequestMetricsChatClient(
            innerClient,
            services.GetRequiredService<RequestOutcomeRecorder>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
