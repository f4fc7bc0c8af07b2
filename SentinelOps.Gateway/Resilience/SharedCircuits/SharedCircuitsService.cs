using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Resilience.SharedCircuits;

/// <summary>
/// Makes the replicas' circuits agree through Redis: publishes each circuit this replica opens or closes on
/// <see cref="RedisKeys.Circuits"/>, applies the other replicas' decisions through <see cref="ProviderHealthUpdater"/>
/// (the one writer), and gives every breaker the <see cref="RedisCircuitTrialLease"/>, so one replica sends each break's trial.
/// </summary>
/// <remarks>
/// <para>No echo: a decision applied from another replica is raised as that replica's (<see cref="CircuitStateChangedEventArgs.DecidedBy"/>)
/// and never published again, and a replica ignores its own messages.</para>
/// <para>Never blocks a request: state changes are queued (bounded, oldest dropped) and published by one writer, and
/// dropped while Redis is disconnected, when each replica keeps its own circuits. Pub/sub is at most once: a missed
/// open costs that replica its own threshold, as without sharing, and a missed close is made good by its next trial.</para>
/// </remarks>
internal sealed partial class SharedCircuitsService(
    IServiceProvider services,
    ProviderChain chain,
    ProviderHealthUpdater health,
    ReplicaIdentity replica,
    IOptions<SharedCircuitsOptions> options,
    IOptions<AttemptTimeoutOptions> timeouts,
    TimeProvider timeProvider,
    ILogger<SharedCircuitsService> logger) : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(RedisKeys.Circuits);

    private readonly Channel<CircuitDecision> _outgoing = System.Threading.Channels.Channel.CreateBounded<CircuitDecision>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Enabled)
        {
            // Before the first request, so no open goes unpublished.
            foreach (var provider in chain.Providers)
            {
                provider.Breaker.StateChanged += OnStateChanged;
            }

            health.CircuitsReset += OnCircuitsReset;
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Detach();
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolving the multiplexer connects: never on the host's start-up path.
        await Task.Yield();
        if (!options.Value.Enabled)
        {
            return;
        }

        if (services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            LogNoRedis();
            Detach();
            return;
        }

        var lease = new RedisCircuitTrialLease(
            redis, replica.Id, options.Value.TrialLeaseTime ?? timeouts.Value.Attempt, options.Value.RedisTimeout, timeProvider, logger);
        foreach (var provider in chain.Providers)
        {
            provider.Breaker.TrialLease = lease;
        }

        try
        {
            await Task.WhenAll(PublishAsync(redis, stoppingToken), ApplyAsync(redis, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Back to circuits of this replica's own: nothing queued for the others, and each break's trial sent here.
    private void Detach()
    {
        health.CircuitsReset -= OnCircuitsReset;
        foreach (var provider in chain.Providers)
        {
            provider.Breaker.StateChanged -= OnStateChanged;
            provider.Breaker.TrialLease = null;
        }
    }

    // On the request path (the breaker raises it after a change): only queues.
    private void OnStateChanged(object? sender, CircuitStateChangedEventArgs change)
    {
        if (change.DecidedBy is not null || change.BreakId is not { } breakId)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (change.To == CircuitState.Open)
        {
            _outgoing.Writer.TryWrite(new CircuitDecision(replica.Id, change.Provider, CircuitDecision.Opened, breakId, change.Reason, now, change.OpenedAt, change.BreakEndsAt));
        }
        else if (change.To == CircuitState.Closed)
        {
            _outgoing.Writer.TryWrite(new CircuitDecision(replica.Id, change.Provider, CircuitDecision.Closed, breakId, change.Reason, now));
        }
    }

    // An operator reset this replica's circuits (through the load balancer, one replica gets the request): all of them.
    private void OnCircuitsReset(object? sender, string reason) =>
        _outgoing.Writer.TryWrite(new CircuitDecision(replica.Id, "*", CircuitDecision.Reset, string.Empty, reason, timeProvider.GetUtcNow()));

    private async Task PublishAsync(IConnectionMultiplexer redis, CancellationToken stoppingToken)
    {
        await foreach (var decision in _outgoing.Reader.ReadAllAsync(stoppingToken))
        {
            if (!redis.IsConnected)
            {
                LogNotPublished(decision.Provider, decision.Decision, "not connected");
                continue;
            }

            try
            {
                var message = JsonSerializer.Serialize(decision, SentinelJson.Options);

                // Off the request path, a publish may wait longer than the lease (which a request waits for): four
                // times its bound lets one slow Redis answer through, and a hung Redis holds up the queue no longer
                // than that (1 s by default).
                await redis.GetSubscriber().PublishAsync(Channel, message).WaitAsync(options.Value.RedisTimeout * 4, timeProvider, stoppingToken);
                LogPublished(decision.Provider, decision.Decision, decision.BreakId);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogNotPublished(decision.Provider, decision.Decision, ex.GetType().Name);
            }
        }
    }

    private async Task ApplyAsync(IConnectionMultiplexer redis, CancellationToken stoppingToken)
    {
        var queue = await redis.SubscribeWithRetryAsync(Channel, timeProvider, ex => LogSubscribeFailed(ex.GetType().Name), stoppingToken);
        try
        {
            // One reader, in order: a replica's open then close arrive as sent.
            await foreach (var message in queue.WithCancellation(stoppingToken))
            {
                Apply(message.Message);
            }
        }
        finally
        {
            await queue.TryUnsubscribeAsync();
        }
    }

    private void Apply(RedisValue message)
    {
        CircuitDecision? decision;
        try
        {
            decision = JsonSerializer.Deserialize<CircuitDecision>(message.ToString(), SentinelJson.Options);
        }
        catch (JsonException ex)
        {
            LogMalformed(ex.Message);
            return;
        }

        if (decision is null || decision.Replica == replica.Id)
        {
            return;
        }

        switch (decision.Decision)
        {
            case CircuitDecision.Opened when decision is { OpenedAt: { } openedAt, BreakEndsAt: { } endsAt }:
                health.ReplicaOpened(decision.Provider, decision.Replica, decision.BreakId, openedAt, endsAt, decision.Reason);
                break;
            case CircuitDecision.Closed:
                health.ReplicaClosed(decision.Provider, decision.Replica, decision.BreakId, decision.Reason);
                break;
            case CircuitDecision.Reset:
                health.ReplicaReset(decision.Replica, decision.Reason);
                break;
            default:
                LogMalformed($"unknown decision '{decision.Decision}'");
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is not configured: each replica keeps its own circuits")]
    private partial void LogNoRedis();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Told the other replicas: circuit of {Provider} {Decision} (break {BreakId})")]
    private partial void LogPublished(string provider, string decision, string breakId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the other replicas that the circuit of {Provider} {Decision} (Redis {Error}); they decide on their own")]
    private partial void LogNotPublished(string provider, string decision, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot subscribe to the replicas' circuit decisions yet ({Error}); retrying")]
    private partial void LogSubscribeFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring a malformed circuit decision: {Error}")]
    private partial void LogMalformed(string error);
}
