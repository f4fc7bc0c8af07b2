namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Orders a request's providers by a <see cref="RoutingStrategy"/>, then lets drift draining move a degraded provider
/// back (<see cref="ProviderClient.Drift"/>). Thread-safe; <see cref="RoutingStrategy.Priority"/> with no provider
/// degraded costs nothing but a read of each weight (the configured list as it is), and with one degraded, a random
/// draw and a list made once (up to 8 providers; only the first 64 can be drained).
/// </summary>
internal sealed class ProviderOrder
{
    private readonly IReadOnlyList<ProviderClient> _providers;
    private readonly RoutingStrategy _strategy;
    private readonly Func<double> _random;
    private readonly ProviderClient[]? _byCost;

    // Priority and cost orders are fixed, so each set of drained providers (a bit mask) always gives the same order.
    private readonly ProviderClient[]?[]? _fixedOrders;

    /// <param name="providers">The providers, in priority order.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="random">Uniform [0, 1); tests pass a seeded one.</param>
    public ProviderOrder(IReadOnlyList<ProviderClient> providers, RoutingStrategy strategy, Func<double>? random = null)
    {
        _providers = providers;
        _strategy = strategy;
        _random = random ?? Random.Shared.NextDouble;

        // Prices are configuration: the order by cost is decided once (a stable sort: ties keep priority order).
        _byCost = strategy == RoutingStrategy.Cost
            ? [.. providers.OrderBy(p => p.Options is { InputPricePerMillion: null, OutputPricePerMillion: null }
                ? double.PositiveInfinity
                : (p.Options.InputPricePerMillion ?? 0) + (p.Options.OutputPricePerMillion ?? 0))]
            : null;
        _fixedOrders = strategy is RoutingStrategy.Priority or RoutingStrategy.Cost && providers.Count <= 8
            ? new ProviderClient[]?[1 << providers.Count]
            : null;
    }

    /// <summary>The providers for one request, in the order to try them.</summary>
    public IReadOnlyList<ProviderClient> Next() => _strategy switch
    {
        RoutingStrategy.Weighted => Drain(Weighted()),
        RoutingStrategy.LeastLatency => Drain(LeastLatency()),
        RoutingStrategy.Cost => DrainFixed(_byCost!),
        _ => DrainFixed(_providers),
    };

    // A fresh order (weighted, least latency) is this request's own: drained in place.
    private ProviderClient[] Drain(ProviderClient[] order) =>
        DrainedSet(order) is var drained and not 0 ? Reorder(order, drained) : order;

    // A fixed order (priority, cost) is shared: drained the same way, it is the same list, made once per set of drained
    // providers (a bit mask).
    private IReadOnlyList<ProviderClient> DrainFixed(IReadOnlyList<ProviderClient> order)
    {
        var drained = DrainedSet(order);
        if (drained == 0)
        {
            return order;
        }

        return _fixedOrders is null
            ? Reorder([.. order], drained)
            : _fixedOrders[(int)drained] ??= Reorder([.. order], drained);
    }

    /// <summary>
    /// Drift draining over any strategy's order: one draw per request, none while every provider has full weight; a
    /// provider whose drift weight is at or below the draw is drained (bit i set for the provider at i). A provider at
    /// weight w thus keeps its place in a share w of requests.
    /// </summary>
    private ulong DrainedSet(IReadOnlyList<ProviderClient> order)
    {
        double? draw = null;
        var drained = 0UL;
        for (var i = 0; i < order.Count && i < 64; i++)
        {
            var weight = order[i].Drift.Weight;
            if (weight < 1 && (draw ??= _random()) >= weight)
            {
                drained |= 1UL << i;
            }
        }

        return drained;
    }

    // Each run of drained providers gives its place to the provider right after it and stays right behind it, in its
    // own order, so it is still tried when that one fails; a run at the end stays there. In place.
    private static ProviderClient[] Reorder(ProviderClient[] order, ulong drained)
    {
        var run = -1; // where the run of drained providers before i began
        for (var i = 0; i < order.Length; i++)
        {
            if (i < 64 && (drained & (1UL << i)) != 0)
            {
                run = run < 0 ? i : run;
            }
            else if (run >= 0)
            {
                var overtaking = order[i];
                Array.Copy(order, run, order, run + 1, i - run);
                order[run] = overtaking;
                run = -1;
            }
        }

        return order;
    }

    // A weighted random permutation (Efraimidis-Spirakis): each provider's key is U^(1/w); the largest goes first.
    private ProviderClient[] Weighted()
    {
        var order = new ProviderClient[_providers.Count];
        Span<double> keys = order.Length <= 64 ? stackalloc double[64] : new double[order.Length];
        keys = keys[..order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            var weight = _providers[i].Options.Weight;
            keys[i] = weight > 0 ? -Math.Pow(_random(), 1 / weight) : double.PositiveInfinity;
            order[i] = _providers[i];
        }

        keys.Sort(order.AsSpan());
        return order;
    }

    // Power of two choices: of two providers drawn at random, the one with the lower learnt time to first token goes
    // first (one never measured counts as fastest, so it gets measured); the rest follow in priority order.
    private ProviderClient[] LeastLatency()
    {
        var order = _providers.ToArray();
        if (order.Length < 2)
        {
            return order;
        }

        var a = (int)(_random() * order.Length);
        var b = (int)(_random() * (order.Length - 1));
        if (b >= a)
        {
            b++;
        }

        var first = Latency(order[a]) <= Latency(order[b]) ? order[a] : order[b];
        var at = Array.IndexOf(order, first);
        Array.Copy(order, 0, order, 1, at);
        order[0] = first;
        return order;
    }

    private static TimeSpan Latency(ProviderClient provider) => provider.Breaker.AverageLatency ?? TimeSpan.Zero;
}
