using Microsoft.Extensions.AI;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Gateway.Providers;

/// <summary>A provider and the chat client pipeline that reaches it.</summary>
/// <param name="Options">The provider's configuration.</param>
/// <param name="Client">Its pipeline: telemetry and resilience middleware over the protocol client.</param>
public sealed record ProviderClient(ProviderOptions Options, IChatClient Client)
{
    /// <summary>The provider's name.</summary>
    public string Name => Options.Name;
}
