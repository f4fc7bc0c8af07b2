using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>
/// The Aspire manifest (what azd deploys from) describes the real system: Redis and Ollama as containers, OpenAI with its
/// key as a secret parameter, gateway and monitor wired to them; simulators only when asked for.
/// </summary>
public sealed class DeploymentManifestTests
{
    [Fact]
    public async Task Manifest_DescribesTheRealSystem()
    {
        using var manifest = await PublishAsync();
        var resources = manifest.RootElement.GetProperty("resources");

        Assert.Equal("container.v0", resources.GetProperty("redis").GetProperty("type").GetString());
        Assert.False(resources.TryGetProperty("primary", out _), "no simulator is deployed by default");
        Assert.False(resources.TryGetProperty("fallback", out _), "no simulator is deployed by default");

        var key = resources.GetProperty("openai-api-key");
        Assert.Equal("parameter.v0", key.GetProperty("type").GetString());
        Assert.True(key.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());

        var ollama = resources.GetProperty("ollama");
        Assert.Equal("container.v0", ollama.GetProperty("type").GetString());
        Assert.StartsWith("docker.io/ollama/ollama:", ollama.GetProperty("image").GetString());
        var volume = Assert.Single(ollama.GetProperty("volumes").EnumerateArray());
        Assert.Equal("/root/.ollama", volume.GetProperty("target").GetString());
        Assert.Equal("llama3.2", ollama.GetProperty("env").GetProperty("OLLAMA_MODEL").GetString());
        Assert.Contains("ollama pull", string.Join(" ", ollama.GetProperty("args").EnumerateArray().Select(a => a.GetString())));
        Assert.Equal(11434, ollama.GetProperty("bindings").GetProperty("http").GetProperty("targetPort").GetInt32());

        foreach (var service in new[] { "gateway", "monitor" })
        {
            var project = resources.GetProperty(service);
            Assert.Equal("project.v0", project.GetProperty("type").GetString());
            var env = project.GetProperty("env");
            Assert.Equal("{redis.connectionString}", env.GetProperty("ConnectionStrings__redis").GetString());
            Assert.Equal("OpenAI", env.GetProperty("Providers__0__Kind").GetString());
            Assert.Equal("https://api.openai.com/v1", env.GetProperty("Providers__0__Endpoint").GetString());
            Assert.Equal("gpt-4o-mini", env.GetProperty("Providers__0__Model").GetString());
            Assert.Equal("{openai-api-key.value}", env.GetProperty("Providers__0__ApiKey").GetString());
            Assert.Equal("Ollama", env.GetProperty("Providers__1__Kind").GetString());
            Assert.Equal("{ollama.bindings.http.url}", env.GetProperty("Providers__1__Endpoint").GetString());
            Assert.Equal("llama3.2", env.GetProperty("Providers__1__Model").GetString());
            Assert.Equal("production", env.GetProperty("APP_ENV").GetString());
            Assert.Equal("json", env.GetProperty("LOG_FORMAT").GetString());
        }

        Assert.True(resources.GetProperty("gateway").GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.Equal(1, resources.GetProperty("gateway").GetProperty("replicas").GetInt32());
        Assert.False(resources.GetProperty("monitor").TryGetProperty("replicas", out _));
    }

    [Fact]
    public async Task Manifest_CarriesTheGatewaysReplicaCount()
    {
        using var manifest = await PublishAsync("--Gateway:Replicas=3");
        var gateway = manifest.RootElement.GetProperty("resources").GetProperty("gateway");

        Assert.Equal(3, gateway.GetProperty("replicas").GetInt32());

        // Written by the gateway's own callback: everything Aspire writes for a project is still there.
        Assert.Equal("project.v0", gateway.GetProperty("type").GetString());
        Assert.EndsWith("SentinelOps.Gateway.csproj", gateway.GetProperty("path").GetString());
        Assert.Equal("{redis.connectionString}", gateway.GetProperty("env").GetProperty("ConnectionStrings__redis").GetString());
        Assert.Equal("3", gateway.GetProperty("env").GetProperty("Gateway__Replicas").GetString());
        Assert.True(gateway.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
    }

    [Fact]
    public async Task Manifest_WithSimulatorsAskedFor_DeploysThemInsteadOfOpenAIAndOllama()
    {
        using var manifest = await PublishAsync("--Simulators:Enabled=true");
        var resources = manifest.RootElement.GetProperty("resources");

        foreach (var project in new[] { "gateway", "monitor", "primary", "fallback" })
        {
            Assert.Equal("project.v0", resources.GetProperty(project).GetProperty("type").GetString());
        }

        Assert.False(resources.TryGetProperty("ollama", out _));
        Assert.False(resources.TryGetProperty("openai-api-key", out _));
        var env = resources.GetProperty("gateway").GetProperty("env");
        Assert.Equal("{primary.bindings.http.url}/v1", env.GetProperty("Providers__0__Endpoint").GetString());
        Assert.Equal("{fallback.bindings.http.url}", env.GetProperty("Providers__1__Endpoint").GetString());
    }

    [Fact]
    public async Task Manifest_WithAnExternalOllamaAndRedis_DeploysNeither()
    {
        using var manifest = await PublishAsync("--OLLAMA_BASE_URL=http://gpu-box:11434", "--REDIS_URL=rediss://:pw@cache:6380/0");
        var resources = manifest.RootElement.GetProperty("resources");

        Assert.False(resources.TryGetProperty("ollama", out _));
        Assert.NotEqual("container.v0", resources.GetProperty("redis").GetProperty("type").GetString());
        var env = resources.GetProperty("gateway").GetProperty("env");
        Assert.Equal("http://gpu-box:11434", env.GetProperty("Providers__1__Endpoint").GetString());
        Assert.Equal("{redis.connectionString}", env.GetProperty("ConnectionStrings__redis").GetString());
        Assert.DoesNotContain("pw", manifest.RootElement.GetRawText());
    }

    private static async Task<JsonDocument> PublishAsync(params string[] args)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sentinel-manifest-{Guid.NewGuid():N}.json");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SentinelOps_AppHost>(
                ["--publisher", "manifest", "--output-path", path, .. args], timeout.Token);
            await using var app = await builder.BuildAsync(timeout.Token);
            await app.RunAsync(timeout.Token);
            return JsonDocument.Parse(await File.ReadAllTextAsync(path, timeout.Token));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
