using SentinelOps.Simulator;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>A test class whose every test gets its own primary (OpenAI) and fallback (Ollama) simulator.</summary>
public abstract class TwoSimulatorsTest : IAsyncLifetime
{
    private protected SimulatorServer Primary { get; private set; } = null!;

    private protected SimulatorServer Fallback { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        Fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
    }

    public async Task DisposeAsync()
    {
        await Primary.DisposeAsync();
        await Fallback.DisposeAsync();
    }
}
