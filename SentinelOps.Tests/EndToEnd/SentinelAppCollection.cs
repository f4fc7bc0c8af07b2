namespace SentinelOps.Tests.EndToEnd;

/// <summary>The end-to-end classes share one running system: it takes seconds to start, and they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SentinelAppCollection : ICollectionFixture<SentinelAppFixture>
{
    public const string Name = "Sentinel-Ops app";
}
