namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// The attempts still waiting for a provider's first token, oldest first, so whether one has stalled is a look at the
/// head: constant time per request, however many are in flight.
/// </summary>
/// <remarks>
/// Attempts join at the tail in the order they were let through. When one receives its first token, it and every
/// older one leave: a later attempt got through, so an older one's wait says nothing about the provider now.
/// Not thread-safe: its owner serialises access.
/// </remarks>
internal sealed class PendingAttemptList
{
    private PendingAttempt? _head;
    private PendingAttempt? _tail;

    /// <summary>The attempt that has waited longest, if any.</summary>
    public PendingAttempt? Oldest => _head;

    public void Add(PendingAttempt attempt)
    {
        attempt.Previous = _tail;
        attempt.Next = null;
        attempt.Listed = true;
        if (_tail is null)
        {
            _head = attempt;
        }
        else
        {
            _tail.Next = attempt;
        }

        _tail = attempt;
    }

    public void Remove(PendingAttempt attempt)
    {
        if (!attempt.Listed)
        {
            return;
        }

        if (attempt.Previous is null)
        {
            _head = attempt.Next;
        }
        else
        {
            attempt.Previous.Next = attempt.Next;
        }

        if (attempt.Next is null)
        {
            _tail = attempt.Previous;
        }
        else
        {
            attempt.Next.Previous = attempt.Previous;
        }

        attempt.Previous = attempt.Next = null;
        attempt.Listed = false;
    }

    /// <summary>Removes <paramref name="attempt"/> and every attempt older than it.</summary>
    public void RemoveThrough(PendingAttempt attempt)
    {
        if (!attempt.Listed)
        {
            return;
        }

        while (_head is { } oldest)
        {
            Remove(oldest);
            if (ReferenceEquals(oldest, attempt))
            {
                return;
            }
        }
    }

    public void Clear()
    {
        while (_head is { } oldest)
        {
            Remove(oldest);
        }
    }
}
