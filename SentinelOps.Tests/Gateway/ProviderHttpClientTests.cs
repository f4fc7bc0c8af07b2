using System.Net.Http.Json;
using Microsoft.Extensions.AI;
using SentinelOps.Simulator;
using SentinelOps.Simulator.Faults;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway;

/// <summary>Provider calls go out exactly as the gateway's own middleware decides: no retry hidden underneath.</summary>
public sealed class ProviderHttpClientTests
{
    [Fact]
    public async Task WithGatewayRetriesOff_AFailingProviderSeesExactlyOneCallPerRequest()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await primary.SetFaultAsync(new { mode = "error_503" });

        using var gateway = GatewayHost.Create(primary, fallback, settings: new Dictionary<string, string?>
        {
            ["Gateway:Retry:MaxRetryAttempts"] = "0",
            ["Gateway:CircuitBreaker:FailureThreshold"] = "100",
        });

        for (var i = 0; i < 2; i++)
        {
            await gateway.ChatClient.GetResponseAsync("hello");
        }

        Assert.Equal(2, (await primary.GetStatsAsync()).ChatRequests);
    }
}
