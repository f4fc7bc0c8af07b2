namespace SentinelOps.Simulator.Replies;

/// <summary>A function call the simulator answers with when the request offers tools.</summary>
/// <param name="Name">The function called: the first tool offered.</param>
/// <param name="Arguments">Its arguments, as a JSON object.</param>
public sealed record SimulatedToolCall(string Name, string Arguments)
{
    /// <summary>The call's id, the same for every answer, so tests can assert it.</summary>
    public const string Id = "call_simulated";
}
