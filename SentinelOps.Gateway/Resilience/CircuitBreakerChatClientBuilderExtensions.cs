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

    /// <summary>
    /// Guards the rest of the pipeline with <paramref name="breaker"/> alone (a pipeline of one provider): its writer
    /// of health is the updater it already has, or one made over it.
    /// </summary>
    public static ChatClientBuilder UseCircuitBreaker(this ChatClientBuilder builder, CircuitBreaker breaker)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(breaker);
        return builder.Use((innerClient, services) =>
        {
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            return new CircuitBreakerChatClient(innerClient, breaker.Writer ?? new ProviderHealthUpdater([breaker], time), breaker, time);
        });
    }
}
