using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SentinelOps.Gateway.Providers;

namespace SentinelOps.Gateway.ChatClients;

/// <summary>
/// Sends each request to the providers in priority order until one answers, and records on the response which one
/// did and why the others did not (<see cref="ProviderRouting"/>).
/// </summary>
/// <remarks>
/// <para>Rules: cancellation by the caller is never a provider failure; a request the provider rejected as invalid
/// (4xx other than 408 and 429) is returned to the caller rather than tried elsewhere; a stream fails over only
/// before its first update reaches the caller, since after that the caller has part of one provider's answer.</para>
/// <para>Thread-safe; holds no per-request state. Does not own the provider clients.</para>
/// </remarks>
public sealed partial class ProviderFailoverChatClient : IChatClient
{
    private readonly IReadOnlyList<ProviderClient> _providers;
    private readonly ILogger _logger;

    /// <summary>Creates a failover client over <paramref name="providers"/>, tried in the given order.</summary>
    public ProviderFailoverChatClient(IReadOnlyList<ProviderClient> providers, ILogger<ProviderFailoverChatClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        if (providers.Count == 0)
        {
            throw new ArgumentException("At least one provider is required.", nameof(providers));
        }

        _providers = providers;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ProviderFailure>? failures = null;
        foreach (var provider in _providers)
        {
            try
            {
                var response = await provider.Client.GetResponseAsync(messages, options, cancellationToken);
                (response.AdditionalProperties ??= [])[ProviderRouting.AdditionalPropertiesKey] = new ProviderRouting(provider.Name, failures ?? []);
                return response;
            }
            catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
            {
                (failures ??= []).Add(RecordFailureOrThrow(provider, ex));
            }
        }

        throw new ProvidersExhaustedException(failures!);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ProviderFailure>? failures = null;
        foreach (var provider in _providers)
        {
            // C# cannot yield inside a try with a catch, so the enumerator is driven by hand and only
            // MoveNextAsync is guarded: failover is possible until the first update has been yielded.
            var enumerator = provider.Client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                bool hasFirst;
                try
                {
                    hasFirst = await enumerator.MoveNextAsync();
                }
                catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
                {
                    (failures ??= []).Add(RecordFailureOrThrow(provider, ex));
                    continue;
                }

                if (!hasFirst)
                {
                    yield break;
                }

                var first = enumerator.Current;
                (first.AdditionalProperties ??= [])[ProviderRouting.AdditionalPropertiesKey] = new ProviderRouting(provider.Name, failures ?? []);
                yield return first;

                while (await enumerator.MoveNextAsync())
                {
                    yield return enumerator.Current;
                }

                yield break;
            }
            finally
            {
                await enumerator.DisposeAsync();
            }
        }

        throw new ProvidersExhaustedException(failures!);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The provider clients belong to the ProviderChain that created them.
    }

    private static bool IsCallerCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;

    // A provider fault is recorded so the next provider can be tried; a request the provider rejected as invalid
    // would be rejected everywhere, so it ends the request, naming the provider.
    private ProviderFailure RecordFailureOrThrow(ProviderClient provider, Exception exception)
    {
        var failure = new ProviderFailure(provider.Name, ProviderErrorClassifier.Describe(exception), ProviderErrorClassifier.StatusCode(exception));
        if (ProviderErrorClassifier.Classify(exception) == ProviderErrorKind.RequestRejected)
        {
            LogRequestRejected(provider.Name, failure.Error);
            throw new ProviderRejectedRequestException(failure, exception);
        }

        LogProviderFailed(provider.Name, failure.Error);
        return failure;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} rejected the request ({Error}); not failing over")]
    private partial void LogRequestRejected(string provider, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} failed ({Error}); trying the next provider")]
    private partial void LogProviderFailed(string provider, string error);
}
