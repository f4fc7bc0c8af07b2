using System.Net;
using System.Text.RegularExpressions;
using SentinelOps.Gateway.Operator;
using SentinelOps.Gateway.Security;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Operator;

/// <summary>The status page's files as the gateway serves them, and the headers each path gets.</summary>
public sealed partial class StatusPageTests : IDisposable
{
    private readonly GatewayApplication _gateway = GatewayApplication.WithProviders(
        new Uri("http://127.0.0.1:9/v1"), null, new Uri("http://127.0.0.1:9/"));

    [Fact]
    public async Task Root_ServesThePage_UnderTheStrictPolicy()
    {
        using var http = _gateway.CreateClient();

        var page = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Equal(SecurityHeadersOptions.DefaultContentSecurityPolicy, policy);
        Assert.Contains("default-src 'self'", policy);
        Assert.DoesNotContain("unsafe", policy);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Page_HasNoInlineScriptOrStyle_AndLoadsNothingFromElsewhere()
    {
        using var http = _gateway.CreateClient();
        var html = await http.GetStringAsync("/");

        // Under default-src 'self' these would be refused, silently breaking the page.
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(StyleAttribute(), html);
        Assert.DoesNotMatch(EventHandlerAttribute(), html);
        Assert.DoesNotContain("//", string.Concat(ResourceReference().Matches(html).Select(m => m.Groups[1].Value)));

        foreach (var asset in new[] { "/app.js", "/app.css", "/favicon.svg" })
        {
            var response = await http.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        }

        var script = await http.GetStringAsync("/app.js");
        Assert.DoesNotContain("eval(", script);
        Assert.DoesNotContain("innerHTML", script); // text goes in as text: incident details come from providers' errors
        Assert.DoesNotContain("setAttribute('style'", script);
    }

    [Fact]
    public void TheDefaultPolicy_LetsPagesConnectOnlyToTheirOwnOrigin()
    {
        // 'self' already covers the page's own ws:/wss: origin; bare ws: wss: would let an injected script send the
        // key the page keeps in sessionStorage to any host over a WebSocket.
        var connectSrc = SecurityHeadersOptions.DefaultContentSecurityPolicy.Split(';', StringSplitOptions.TrimEntries)
            .Single(directive => directive.StartsWith("connect-src ", StringComparison.Ordinal));
        Assert.Equal("connect-src 'self'", connectSrc);
    }

    [Theory]
    [InlineData("/docs", true)]
    [InlineData("/docs/", true)]
    [InlineData("/docs/scalar.js", true)]
    [InlineData("/", false)]
    [InlineData("/index.html", false)]
    [InlineData("/docsearch", false)]
    [InlineData("/api/providers/status", false)]
    public void EachPath_GetsItsPolicy(string path, bool docs) =>
        Assert.Equal(docs ? ContentSecurityPolicies.Docs : null, ContentSecurityPolicies.For(path));

    public void Dispose() => _gateway.Dispose();

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\sstyle=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex("\\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ResourceReference();
}
