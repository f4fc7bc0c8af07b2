namespace SentinelOps.Shared.Events;

/// <summary>
/// The incidents recorded but not yet confirmed stored in Redis, oldest first. Bounded: when full, the oldest
/// waiting incident is dropped and counted, so an endless outage costs bounded memory.
/// </summary>
/// <remarks>Thread-safe. The single writer peeks the head, stores it, then completes it; producers only enqueue.</remarks>
internal sealed class IncidentOutbox(int capacity)
{
    private readonly Queue<PendingIncident> _queue = new();
    private readonly Lock _gate = new();
    private long _dropped;

    /// <summary>Incidents waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Incidents dropped because the outbox was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Adds <paramref name="incident"/>; returns the incident dropped to make room, if any.</summary>
    public PendingIncident? Enqueue(PendingIncident incident)
    {
        lock (_gate)
        {
            PendingIncident? dropped = null;
            if (_queue.Count >= capacity)
            {
                dropped = _queue.Dequeue();
                _dropped++;
            }

            _queue.Enqueue(incident);
            return dropped;
        }
    }

    /// <summary>The oldest waiting incident, left in place until <see cref="Complete"/>.</summary>
    public bool TryPeek(out PendingIncident incident)
    {
        lock (_gate)
        {
            return _queue.TryPeek(out incident!);
        }
    }

    /// <summary>Removes <paramref name="incident"/> once stored, unless it was already dropped to make room.</summary>
    public void Complete(PendingIncident incident)
    {
        lock (_gate)
        {
            if (_queue.TryPeek(out var head) && ReferenceEquals(head, incident))
            {
                _queue.Dequeue();
            }
        }
    }
}
