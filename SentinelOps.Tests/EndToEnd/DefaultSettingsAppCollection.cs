namespace SentinelOps.Tests.EndToEnd;

/// <summary>
/// End-to-end classes that need the gateway exactly as a user gets it (no shortened breaks or timeouts). They run
/// alone, after the parallel collections, so their timings are not those of a machine running two AppHosts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DefaultSettingsAppCollection : ICollectionFixture<DefaultSettingsAppFixture>
{
    public const string Name = "Sentinel-Ops app, default settings";
}
