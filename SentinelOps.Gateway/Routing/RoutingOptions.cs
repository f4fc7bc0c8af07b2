using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Routing;

/// <summary>How a request's providers are ordered before failover walks them (<c>Gateway:Routing</c>).</summary>
public sealed class RoutingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Routing";

    /// <summary>
    /// <c>priority</c> (configuration order), <c>weighted</c> (<c>Providers:N:Weight</c>), <c>least_latency</c> (power of
    /// two choices over the learnt time to first token) or <c>cost</c> (cheapest known price first).
    /// </summary>
    [RegularExpression("^(priority|weighted|least_latency|cost)$", ErrorMessage = "Gateway:Routing:Strategy must be priority, weighted, least_latency or cost.")]
    public string Strategy { get; set; } = "priority";

    /// <summary>The time constant of each provider's share of recent traffic on the status page (default 1 min).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Gateway:Routing:ShareWindow must be between 100 ms and 1 day.")]
    public TimeSpan ShareWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The strategy, parsed.</summary>
    public RoutingStrategy ParsedStrategy => Strategy switch
    {
        "weighted" => RoutingStrategy.Weighted,
        "least_latency" => RoutingStrategy.LeastLatency,
        "cost" => RoutingStrategy.Cost,
        _ => RoutingStrategy.Priority,
    };
}

/// <summary>The order in which a request tries the providers; failover applies within every one.</summary>
public enum RoutingStrategy
{
    /// <summary>Configuration (priority) order.</summary>
    Priority,

    /// <summary>A random order drawn by weight: each provider comes first in proportion to its weight.</summary>
    Weighted,

    /// <summary>Two providers drawn at random, the one with the lower learnt time to first token first.</summary>
    LeastLatency,

    /// <summary>The cheapest known price first (input plus output per million tokens).</summary>
    Cost,
}
