using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using SentinelOps.Gateway.Operator;
using SentinelOps.Gateway.Security;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Operator;

/// <summary><c>/openapi/v1.json</c> and <c>/docs</c> on the real gateway application.</summary>
public sealed partial class ApiReferenceTests : IDisposable
{
    // Mapped but deliberately not in the document: the document itself, the reference's pages and assets, health probes.
    private static readonly string[] UndocumentedPrefixes = ["/openapi/", "/docs", "/health", "/alive"];

    private readonly GatewayApplication _gateway = GatewayApplication.WithProviders(
        new Uri("http://127.0.0.1:9/v1"), new Uri("http://127.0.0.1:9/"), new Uri("http://127.0.0.1:9/"));

    [Fact]
    public async Task Docs_ServesTheScalarReference_WithItsAssetsFromTheGateway()
    {
        using var http = _gateway.CreateClient();

        var page = await http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Sentinel-Ops API reference", html);
        Assert.Contains("openapi/v1.json", html);

        // Offline: every script the page loads is the gateway's own (no CDN), and the bundle is really there.
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.DoesNotContain("//", src));
        Assert.DoesNotContain("https://", html);
        foreach (var src in scripts)
        {
            var script = await http.GetAsync("/docs/" + src);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType);
        }

        Assert.True((await http.GetByteArrayAsync("/docs/scalar.js")).Length > 1_000_000, "Scalar's bundle is embedded in the package.");
        Assert.Equal(ContentSecurityPolicies.Docs, page.Headers.GetValues("Content-Security-Policy").Single());

        // Without the trailing slash, /docs redirects to the reference.
        using var noRedirect = _gateway.CreateClient(new() { AllowAutoRedirect = false });
        var bare = await noRedirect.GetAsync("/docs");
        Assert.True(bare.StatusCode is HttpStatusCode.OK or HttpStatusCode.Found or HttpStatusCode.MovedPermanently, $"GET /docs: {bare.StatusCode}");
    }

    [Fact]
    public async Task OpenApiDocument_IsValid_AndDescribesEveryMappedEndpoint()
    {
        using var http = _gateway.CreateClient();
        await using var stream = await http.GetStreamAsync("/openapi/v1.json");
        var (document, diagnostic) = await OpenApiDocument.LoadAsync(stream, "json");

        Assert.NotNull(document);
        Assert.Empty(diagnostic!.Errors);
        Assert.StartsWith("3.", diagnostic.SpecificationVersion.ToString().Replace("OpenApi", string.Empty, StringComparison.Ordinal).Replace('_', '.'), StringComparison.Ordinal);
        Assert.Empty(document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);

        var documented = document.Paths
            .SelectMany(path => path.Value.Operations!.Keys.Select(method => $"{method.Method.ToUpperInvariant()} {path.Key}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var mapped = MappedOperations().ToArray();
        Assert.NotEmpty(mapped);
        var missing = mapped.Where(operation => !documented.Contains(operation)).ToArray();
        Assert.True(missing.Length == 0, "Mapped but not in the OpenAPI document: " + string.Join(", ", missing));

        // And the endpoints this branch added are among them.
        Assert.Contains("PUT /api/providers/{name}/faults", documented);
        Assert.Contains("DELETE /api/providers/{name}/faults", documented);
        Assert.Contains("POST /api/providers/circuits/reset", documented);
    }

    [Fact]
    public async Task EveryOperation_HasASummaryADescriptionAndExamples()
    {
        using var http = _gateway.CreateClient();
        await using var stream = await http.GetStreamAsync("/openapi/v1.json");
        var (document, _) = await OpenApiDocument.LoadAsync(stream, "json");

        foreach (var (path, item) in document!.Paths)
        {
            foreach (var (method, operation) in item.Operations!)
            {
                var name = $"{method.Method} {path}";
                Assert.False(string.IsNullOrWhiteSpace(operation.Summary), $"{name} has no summary");
                Assert.False(string.IsNullOrWhiteSpace(operation.Description), $"{name} has no description");
                if (operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
                {
                    Assert.True(body.Examples?.Count > 0 || body.Example is not null, $"{name} has no request example");
                }

                // A WebSocket's example is one of its messages, under 101 Switching Protocols.
                var answers = operation.Responses!.Where(r => r.Key.StartsWith('2') || r.Key == "101").Select(r => r.Value);
                Assert.True(
                    answers.Any(answer => answer.Content?.Values.Any(media => media.Example is not null || media.Examples?.Count > 0) == true),
                    $"{name} has no example answer");
            }
        }

        // The seed's own example comes through intact.
        var chat = document.Paths["/api/chat"].Operations![HttpMethod.Post];
        var answer = chat.Responses!["200"].Content!["application/json"].Example!;
        Assert.Equal("primary", answer["provider_used"]!.GetValue<string>());
        Assert.Equal(187, answer["tokens_used"]!.GetValue<int>());
    }

    [Fact]
    public async Task AdminOperations_AreMarkedInTheDocument()
    {
        using var http = _gateway.CreateClient();
        var json = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;

        Assert.Equal("admin", json["paths"]!["/api/providers/circuits/reset"]!["post"]!["x-sentinel-scope"]!.GetValue<string>());
        Assert.Equal("admin", json["paths"]!["/api/providers/{name}/faults"]!["put"]!["x-sentinel-scope"]!.GetValue<string>());
        Assert.Equal("admin", json["paths"]!["/api/providers/{name}/probe"]!["post"]!["x-sentinel-scope"]!.GetValue<string>());
        Assert.Null(json["paths"]!["/api/providers/{name}/faults"]!["get"]!["x-sentinel-scope"]);
        Assert.NotNull(json["components"]!["securitySchemes"]!["api_key"]);
    }

    [Fact]
    public async Task ChatCompletions_DocumentsMidStreamContinuation_AndItsHeader()
    {
        using var http = _gateway.CreateClient();
        var json = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var operation = json["paths"]!["/v1/chat/completions"]!["post"]!;

        Assert.Contains("x-sentinel continued", operation["description"]!.GetValue<string>());
        var header = Assert.Single(operation["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "x-sentinel-continuation")!;
        Assert.Equal("header", header["in"]!.GetValue<string>());
        Assert.Equal(["on", "off"], header["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    public void Dispose() => _gateway.Dispose();

    // Every endpoint with an HTTP method, as "METHOD /path" with route constraints removed, except the undocumented ones.
    private IEnumerable<string> MappedOperations()
    {
        var endpoints = _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints)
        {
            var path = "/" + RouteConstraint().Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), "{$1}");
            var excluded = endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true;
            if (UndocumentedPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            Assert.False(excluded, $"{path} is excluded from the OpenAPI document");
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                yield return $"{method} {path}";
            }
        }
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("\\{([^}:?=*]+)[^}]*\\}")]
    private static partial Regex RouteConstraint();
}
