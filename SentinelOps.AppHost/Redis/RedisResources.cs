namespace SentinelOps.AppHost.Redis;

/// <summary>What consumers of Redis reference and wait for, whichever way Redis runs.</summary>
/// <param name="ConnectionString">The resource whose connection string consumers receive as <c>ConnectionStrings__redis</c>.</param>
/// <param name="Server">The resource that runs Redis, which consumers wait for; <see langword="null"/> for an existing Redis.</param>
internal sealed record RedisResources(
    IResourceBuilder<IResourceWithConnectionString> ConnectionString,
    IResourceBuilder<IResource>? Server);
