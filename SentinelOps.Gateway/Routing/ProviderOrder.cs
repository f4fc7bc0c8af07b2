namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Orders a request's providers by a <see cref="RoutingStrategy"/>. Thread-safe; <see cref="RoutingStrategy.Priority"/>
/// costs nothing (the configured list as it is).
/// </summary>
internal sealed class ProviderOrder
{
    private readonly IReadOnlyList<ProviderClient> _providers;
    private readonly RoutingStrategy _strategy;
    private readonly Func<double> _random;
    private readonly ProviderClient[]? _byCost;

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
    }

    /// <summary>The providers for one request, in the order to try them.</summary>
    public IReadOnlyList<ProviderClient> Next() => _strategy switch
    {
        RoutingStrategy.Weighted => Weighted(),
        RoutingStrategy.LeastLatency => LeastLatency(),
        RoutingStrategy.Cost => _byCost!,
        _ => _providers,
    };

    // A weighted random permutation (Efraimidis-Spirakis): each provider's key is U^(1/w); the largest goes first.
    private ProviderClient[] Weighted()
    {
        var keys = new double[_providers.Count];
        var order = new ProviderClient[_providers.Count];
        for (var i = 0; i < order.Length; i++)
        {
            var weight = _providers[i].Options.Weight;
            keys[i] = weight > 0 ? -Math.Pow(_random(), 1 / weight) : double.PositiveInfinity;
            order[i] = _providers[i];
        }

        Array.Sort(keys, order);
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
