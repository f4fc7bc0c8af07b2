namespace SentinelOps.Gateway.Resilience;

/// <summary>How the pipeline's layers link their own cancellation to their caller's, cheaply.</summary>
internal static class CancellationSources
{
    /// <summary>
    /// Cancels <paramref name="source"/> when <paramref name="cancellationToken"/> is cancelled, until the returned
    /// registration is disposed (dispose it before the source; disposal waits for a callback already running).
    /// </summary>
    /// <remarks>
    /// A layer that has a source of its own anyway (a timer, a cut) links it to its caller's token this way instead of
    /// creating a second, linked source: one source per layer rather than two. The caller's token still tells who
    /// cancelled: if it is not cancelled, the layer's own reason was.
    /// </remarks>
    public static CancellationTokenRegistration CancelWith(CancellationToken cancellationToken, CancellationTokenSource source) =>
        cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source);
}
