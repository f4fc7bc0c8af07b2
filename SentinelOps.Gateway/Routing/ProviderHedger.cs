using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Time-to-first-token hedging for the failover client (<see cref="HedgingOptions"/>): when the provider being tried has
/// sent no first content within its delay, the same request also starts on the next healthy candidate, and whichever
/// sends content first wins (<see cref="HedgedRace{T}"/>).
/// </summary>
/// <remarks>
/// <para>The delay is <see cref="HedgingOptions.Delay"/>, or else the provider's learnt p95 time to first token
/// (<see cref="Resilience.CircuitBreaking.CircuitBreaker.TimeToFirstTokenP95"/>), no lower than
/// <see cref="HedgingOptions.MinDelay"/>, or <see cref="HedgingOptions.InitialDelay"/> before one is learnt. Hedges are
/// capped by a <see cref="HedgeBudget"/>.</para>
/// <para>Non-streaming requests are raced too, on the first content their provider streams to the gateway
/// (<see cref="FirstTokenSignal"/>, raised by <see cref="StreamedResponseChatClient"/>); with
/// <c>Gateway:Timeouts:StreamNonStreamingRequests</c> off they have no first token to race on, and are not hedged.</para>
/// <para>Thread-safe; made only when hedging is on, so the failover client's path without it is unchanged.</para>
/// </remarks>
public sealed partial class ProviderHedger
{
    private readonly HedgingOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the hedger.</summary>
    /// <param name="options">Delay, budget.</param>
    /// <param name="hedgesNonStreaming">Whether non-streaming requests reach the providers as streams (so they can be raced).</param>
    /// <param name="timeProvider">Clock for the delays and the budget's windows.</param>
    /// <param name="recorder">Where hedges are counted.</param>
    /// <param name="logger">Where hedges are logged.</param>
    public ProviderHedger(HedgingOptions options, bool hedgesNonStreaming, TimeProvider timeProvider, RequestOutcomeRecorder recorder, ILogger<ProviderHedger>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(recorder);
        _options = options;
        HedgesNonStreaming = hedgesNonStreaming;
        TimeProvider = timeProvider;
        Recorder = recorder;
        Budget = new HedgeBudget(options.BudgetPercent, timeProvider);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Whether non-streaming requests are hedged too.</summary>
    public bool HedgesNonStreaming { get; }

    /// <summary>The hedges allowed per minute.</summary>
    public HedgeBudget Budget { get; }

    internal TimeProvider TimeProvider { get; }

    internal RequestOutcomeRecorder Recorder { get; }

    /// <summary>How long an attempt at <paramref name="provider"/> may go without a first token before it is hedged.</summary>
    public TimeSpan DelayFor(ProviderClient provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (_options.Delay is { } configured)
        {
            return configured;
        }

        return provider.Breaker.TimeToFirstTokenP95 is { } p95
            ? (p95 > _options.MinDelay ? p95 : _options.MinDelay)
            : _options.InitialDelay;
    }

    /// <summary>Opens a stream on the first candidate to send content, hedging a slow one.</summary>
    internal Task<HedgedWin<OpenedStream>?> OpenStreamAsync(
        ProviderFailoverChatClient failover,
        IEnumerator<ProviderClient> candidates,
        List<ProviderFailure> failures,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        CancellationToken cancellationToken) =>
        new HedgedRace<OpenedStream>(
            this,
            candidates,
            failures,
            (provider, token) =>
            {
                var opened = OpenAsync(failover, provider, messages, options, token);
                return (opened, opened);
            },
            static opened => opened.Stream.DisposeAsync(),
            cancellationToken).RunAsync();

    /// <summary>Gets a whole answer from the first candidate to send content, hedging a slow one.</summary>
    internal Task<HedgedWin<ChatResponse>?> GetResponseAsync(
        ProviderFailoverChatClient failover,
        IEnumerator<ProviderClient> candidates,
        List<ProviderFailure> failures,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        CancellationToken cancellationToken) =>
        new HedgedRace<ChatResponse>(
            this,
            candidates,
            failures,
            (provider, token) =>
            {
                var signal = new FirstTokenSignal();
                return (RespondAsync(failover, provider, messages, options, signal, token), signal.Arrived);
            },
            static _ => ValueTask.CompletedTask,
            cancellationToken).RunAsync();

    private static async Task<(OpenedStream? Result, ProviderFailure? Failure)> OpenAsync(
        ProviderFailoverChatClient failover, ProviderClient provider, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var (stream, opening, failure) = await failover.OpenStreamAsync(provider, messages, options, cancellationToken);
        return failure is null ? (new OpenedStream(stream!, opening), null) : (null, failure);
    }

    private static async Task<(ChatResponse? Result, ProviderFailure? Failure)> RespondAsync(
        ProviderFailoverChatClient failover,
        ProviderClient provider,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        FirstTokenSignal signal,
        CancellationToken cancellationToken)
    {
        signal.Enter();
        try
        {
            return (await provider.Client.GetResponseAsync(messages, options, cancellationToken), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (null, failover.RecordFailureOrThrow(provider, ex));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No first token from provider {Provider} within the hedging delay; also trying {Hedge}")]
    internal partial void LogHedging(string provider, string hedge);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No first token from provider {Provider} within the hedging delay; not hedged: the budget for this minute is spent")]
    internal partial void LogHedgeOverBudget(string provider);
}
