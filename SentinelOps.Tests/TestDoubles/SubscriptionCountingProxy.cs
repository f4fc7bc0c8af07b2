using System.Collections.Concurrent;
using System.Reflection;
using StackExchange.Redis;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// A real <see cref="IConnectionMultiplexer"/> that counts, per channel, the subscriptions the application asks it for.
/// Redis itself cannot tell: a multiplexer makes one server-side subscription per channel however many subscribers
/// share it, so <c>PUBSUB NUMSUB</c> says 1 either way.
/// </summary>
/// <remarks>Not sealed: <see cref="DispatchProxy"/> derives from it.</remarks>
public class SubscriptionCountingProxy : DispatchProxy
{
    private object _target = null!;
    private ConcurrentDictionary<string, int> _subscriptions = null!;

    /// <summary>Wraps <paramref name="inner"/>; its subscribers count into <paramref name="subscriptions"/>.</summary>
    public static IConnectionMultiplexer Wrap(IConnectionMultiplexer inner, ConcurrentDictionary<string, int> subscriptions) =>
        Wrap<IConnectionMultiplexer>(inner, subscriptions);

    /// <inheritdoc/>
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name.StartsWith("Subscribe", StringComparison.Ordinal) && args is [RedisChannel channel, ..])
        {
            _subscriptions.AddOrUpdate(channel.ToString(), 1, (_, count) => count + 1);
        }

        object? result;
        try
        {
            result = targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }

        return result is ISubscriber subscriber ? Wrap(subscriber, _subscriptions) : result;
    }

    private static T Wrap<T>(T inner, ConcurrentDictionary<string, int> subscriptions)
        where T : class
    {
        var proxy = Create<T, SubscriptionCountingProxy>();
        var counting = (SubscriptionCountingProxy)(object)proxy;
        counting._target = inner;
        counting._subscriptions = subscriptions;
        return proxy;
    }
}
