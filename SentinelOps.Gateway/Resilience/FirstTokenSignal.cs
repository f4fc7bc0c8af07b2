namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Tells whoever began it that a non-streaming attempt's provider has sent its first content, although the caller
/// receives only the whole answer: hedging races non-streaming attempts on their first token, as it races streams.
/// </summary>
/// <remarks>
/// Flows through <see cref="AsyncLocal{T}"/> from the hedged attempt that enters it, down to
/// <see cref="StreamedResponseChatClient"/>, which sees the first content while it assembles the answer and raises
/// it. Without hedging nothing enters one, and raising costs one async-local read per answer.
/// </remarks>
public sealed class FirstTokenSignal
{
    private static readonly AsyncLocal<FirstTokenSignal?> CurrentSignal = new();

    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first content has arrived.</summary>
    public Task Arrived => _arrived.Task;

    /// <summary>Makes this the signal of the current async flow: calls made from there on raise it. Call it at the
    /// start of the async method that makes the call, so the caller's own flow keeps its view.</summary>
    public void Enter() => CurrentSignal.Value = this;

    /// <summary>Raises the current flow's signal, if one was entered.</summary>
    internal static void Raise() => CurrentSignal.Value?._arrived.TrySetResult();
}
