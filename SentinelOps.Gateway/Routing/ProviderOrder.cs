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
    public IReadOnlyList<ProviderClient> Next() => Drained(_strategy switch
    {
        RoutingStrategy.Weighted => Weighted(),
        RoutingStrategy.LeastLatency => LeastLatency(),
        RoutingStrategy.Cost => _byCost!,
        _ => _providers,
    });

    /// <summary>
    /// Drift draining over any strategy's order: one draw per request; a provider whose drift weight is at or below
    /// the draw gives its place to the next provider that keeps its own, and stays right behind it, so it is still tried
    /// when that one fails. A provider at weight w thus keeps its place in a share w of requests.
    /// </summary>
    internal IReadOnlyList<ProviderClient> Drained(IReadOnlyList<ProviderClient> order)
    {
        var degraded = false;
        for (var i = 0; i < order.Count && !degraded; i++)
        {
            degraded = order[i].Drift.Weight < 1;
        }

        if (!degraded)
        {
            return order;
        }

        var draw = _random();
        var drained = 0UL;
        for (var i = 0; i < order.Count && i < 64; i++)
        {
            drained |= draw >= order[i].Drift.Weight ? 1UL << i : 0;
        }

        if (drained == 0)
        {
            return order;
        }

        // A fixed order (priority, cost) drained the same way is the same list: made once per set of drained providers.
        if (_fixedOrders is not null && ReferenceEquals(order, _strategy == RoutingStrategy.Cost ? _byCost : _providers))
        {
            return _fixedOrders[(int)drained] ??= Reordered(order, drained);
        }

        return Reordered(order, drained);
    }

    private static ProviderClient[] Reordered(IReadOnlyList<ProviderClient> order, ulong drained)
    {
        var reordered = order.ToArray();

        // Scratch on the stack: an unfixed order (weighted, least latency) is reordered on every drained request.
        Span<bool> isDrained = reordered.Length <= 64 ? stackalloc bool[64] : new bool[reordered.Length];
        isDrained = isDrained[..reordered.Length];
        for (var i = 0; i < isDrained.Length && i < 64; i++)
        {
            isDrained[i] = (drained & (1UL << i)) != 0;
        }

        // From the back, so two drained neighbours keep their relative order behind the provider that overtakes them.
        for (var i = reordered.Length - 2; i >= 0; i--)
        {
            if (!isDrained[i])
            {
                continue;
            }

            var next = i + 1;
            while (next < reordered.Length && isDrained[next])
            {
                next++;
            }

            if (next < reordered.Length)
            {
                var provider = reordered[i];
                Array.Copy(reordered, i + 1, reordered, i, next - i);
                isDrained.Slice(i + 1, next - i).CopyTo(isDrained[i..]);
                (reordered[next], isDrained[next]) = (provider, true);
            }
        }

        return reordered;
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
