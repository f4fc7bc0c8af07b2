using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Gateway.Resilience;

/// <summary>Adds <see cref="CircuitBreakerChatClient"/> to a chat client pipeline.</summary>
public static class CircuitBreakerChatClientBuilderExtensions
{
    /// <summary>Guards the rest of the pipeline with <paramref name="breaker"/>, reporting outcomes through <paramref name="health"/>, its writer.</summary>
    public static ChatClientBuilder UseCircuitBreaker(this ChatClientBuilder builder, ProviderHealthUpdater health, CircuitBreaker breaker)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(breaker);
        return builder.Use((innerClient, services) =>
            new CircuitBreakerChatClient(innerClient, health, breaker, services.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
