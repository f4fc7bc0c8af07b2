using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Time-to-first-token hedging (section <c>Gateway:Hedging</c>): a request whose provider has sent no first content
/// within <see cref="Delay"/> is also started on the next healthy provider, and the first to send content wins.
/// </summary>
/// <remarks>
/// Without a configured <see cref="Delay"/>, each provider's own learnt p95 time to first token is used (no lower than
/// <see cref="MinDelay"/>), and <see cref="InitialDelay"/> until one is learnt. Hedges are capped at
/// <see cref="BudgetPercent"/> of the requests in each minute. Off by default: a hedge is a second provider call.
/// </remarks>
public sealed class HedgingOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Hedging";

    /// <summary>The default <see cref="InitialDelay"/>.</summary>
    public static readonly TimeSpan DefaultInitialDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default <see cref="MinDelay"/>.</summary>
    public static readonly TimeSpan DefaultMinDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>The default <see cref="BudgetPercent"/>.</summary>
    public const double DefaultBudgetPercent = 10;

    /// <summary>Whether requests are hedged at all (default <see langword="false"/>).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// How long to wait for the first content before hedging. Unset (the default): the provider's learnt p95 time to
    /// first token, no lower than <see cref="MinDelay"/>, or <see cref="InitialDelay"/> before one is learnt.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00", ErrorMessage = "Gateway:Hedging:Delay must be between 1 ms and 10 min.")]
    public TimeSpan? Delay { get; set; }

    /// <summary>The delay before the provider's time to first token is learnt (default 1 s: a little under OpenAI's
    /// usual worst first token, half the slow-call floor).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00", ErrorMessage = "Gateway:Hedging:InitialDelay must be between 1 ms and 10 min.")]
    public TimeSpan InitialDelay { get; set; } = DefaultInitialDelay;

    /// <summary>The lowest learnt delay (default 50 ms): a provider answering in microseconds (a simulator, a cache in
    /// front of a model) is not hedged over scheduling noise.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Gateway:Hedging:MinDelay must be between 0 and 10 min.")]
    public TimeSpan MinDelay { get; set; } = DefaultMinDelay;

    /// <summary>Hedges allowed per minute, as a percentage of the requests in that minute (default 10).</summary>
    [Range(0.0, 100.0, ErrorMessage = "Gateway:Hedging:BudgetPercent must be between 0 and 100.")]
    public double BudgetPercent { get; set; } = DefaultBudgetPercent;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinDelay > InitialDelay)
        {
            yield return new ValidationResult(
                "Gateway:Hedging:MinDelay must not be greater than Gateway:Hedging:InitialDelay.",
                [nameof(MinDelay), nameof(InitialDelay)]);
        }
    }
}
