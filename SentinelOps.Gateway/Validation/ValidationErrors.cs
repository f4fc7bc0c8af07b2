namespace SentinelOps.Gateway.Validation;

/// <summary>
/// Collects field errors for a problem response, keeping only the first <see cref="MaxKept"/> and counting the rest,
/// so an error body stays small whatever the request holds.
/// </summary>
public sealed class ValidationErrors
{
    /// <summary>Errors kept for the response; the rest are only counted.</summary>
    public const int MaxKept = 20;

    private Dictionary<string, string[]>? _kept;

    /// <summary>Every error found, kept or not.</summary>
    public int Count { get; private set; }

    /// <summary>Whether any error was found.</summary>
    public bool Any => Count > 0;

    /// <summary>Whether the caller can stop looking: enough errors are kept to tell the client what is wrong.</summary>
    public bool Full => Count >= MaxKept;

    /// <summary>The kept errors, by JSON path of the field (<c>messages[2].role</c>).</summary>
    public Dictionary<string, string[]> Kept => _kept ??= [];

    /// <summary>Records an error against <paramref name="field"/>.</summary>
    public void Add(string field, string message)
    {
        Count++;
        if (Kept.Count < MaxKept)
        {
            Kept.TryAdd(field, [message]);
        }
    }

    /// <summary>Errors with just one entry.</summary>
    public static ValidationErrors Single(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return errors;
    }
}
