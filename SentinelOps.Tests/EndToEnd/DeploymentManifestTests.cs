using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>The Aspire manifest (what azd deploys from) describes the whole system, with Redis as a container.</summary>
public sealed class DeploymentManifestTests
{
    [Fact]
    public async Task Manifest_DescribesEveryService_WithRedisAsAContainer_AndTheProviderChainWired()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sentinel-manifest-{Guid.NewGuid():N}.json");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SentinelOps_AppHost>(
                ["--publisher", "manifest", "--output-path", path], timeout.Token);
            await using var app = await builder.BuildAsync(timeout.Token);
            await app.RunAsync(timeout.Token);

            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(path, timeout.Token));
            var resources = manifest.RootElement.GetProperty("resources");
            Assert.Equal("container.v0", resources.GetProperty("redis").GetProperty("type").GetString());
            foreach (var project in new[] { "gateway", "monitor", "primary", "fallback" })
            {
                Assert.Equal("project.v0", resources.GetProperty(project).GetProperty("type").GetString());
            }

            var gateway = resources.GetProperty("gateway");
            var env = gateway.GetProperty("env");
            Assert.Contains("{redis.connectionString}", env.GetProperty("ConnectionStrings__redis").GetString());
            Assert.Equal("{primary.bindings.http.url}/v1", env.GetProperty("Providers__0__Endpoint").GetString());
            Assert.Equal("Ollama", env.GetProperty("Providers__1__Kind").GetString());
            Assert.True(gateway.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
