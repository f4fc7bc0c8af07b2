namespace SentinelOps.Gateway.Operator;

/// <summary>
/// Endpoint metadata marking an operational write (probe, fault injection, circuit reset): with client keys configured,
/// only keys holding the <c>admin</c> scope may call it. The API reference says so on each such operation.
/// </summary>
public sealed class AdminOperation
{
    /// <summary>The one instance; the marker carries no data.</summary>
    public static readonly AdminOperation Instance = new();

    private AdminOperation()
    {
    }
}
