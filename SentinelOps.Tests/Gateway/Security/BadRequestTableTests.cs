using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SentinelOps.Gateway.Security;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>
/// Bad requests, each with its exact status and the problem+json field it names; the simulators' counters prove that
/// none of them reached a provider.
/// </summary>
public sealed class BadRequestTableTests
{
    private const string Valid = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";
    private const string Seed = """{"messages":[{"role":"user","content":"Explain circuit breakers in distributed systems."}],"max_tokens":512,"temperature":0.7}""";

    [Fact]
    public async Task EveryBadRequest_GetsItsStatusAndField_AndNoProviderIsCalled()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        var settings = SecurityTestKeys.Settings();
        settings["Gateway:Requests:MaxTokensCap"] = "1000";
        settings["Gateway:Requests:MaxMessages"] = "50";
        settings["Gateway:Requests:MaxMessageChars"] = "1000";
        settings["Gateway:Requests:MaxTools"] = "4";
        settings["Gateway:Requests:AllowedModels:0"] = "m";
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, settings,
            map: app => app.MapPost("/test/admin-only", () => Results.Ok()).RequireAdminScope());
        using var http = gateway.CreateClient();

        var cases = Cases();
        Assert.True(cases.Count >= 25, $"{cases.Count} cases");
        var failures = new List<string>();
        foreach (var c in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, c.Path);
            if (c.Body is not null)
            {
                request.Content = new ByteArrayContent(c.Body);
                request.Content.Headers.ContentType = c.ContentType is null ? null : MediaTypeHeaderValue.Parse(c.ContentType);
                request.Headers.ExpectContinue = c.Body.Length > 100_000;
            }

            if (c.Key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", c.Key);
            }

            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var fields = ProblemFields(text);
            if ((int)response.StatusCode != c.Status
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || !fields.Contains(c.Field))
            {
                failures.Add($"{c.Name}: expected {c.Status} naming '{c.Field}', got {(int)response.StatusCode} {response.Content.Headers.ContentType} {text[..Math.Min(text.Length, 300)]}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(0, (await primary.GetStatsAsync()).Requests);
        Assert.Equal(0, (await fallback.GetStatsAsync()).Requests);
    }

    private static List<Case> Cases()
    {
        var chat = SecurityTestKeys.Chat;
        var manyMessages = "[" + string.Join(',', Enumerable.Repeat("""{"role":"user","content":"x"}""", 51)) + "]";
        var manyTools = "[" + string.Join(',', Enumerable.Repeat("""{"type":"function","function":{"name":"f"}}""", 5)) + "]";
        var deep = new string('[', 200) + new string(']', 200);
        return
        [
            new("broken JSON", "/v1/chat/completions", """{"model":"m","messages":[""", 400, "body"),
            new("JSON array body", "/v1/chat/completions", "[1,2]", 400, "body"),
            new("body too large (2 MiB)", "/v1/chat/completions", Valid[..^1] + ",\"user\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", 413, "body"),
            new("body of 40 MB", "/api/chat", new string(' ', 40 * 1024 * 1024) + Seed, 413, "body"),
            new("missing messages", "/v1/chat/completions", """{"model":"m"}""", 400, "messages"),
            new("missing model", "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""", 400, "model"),
            new("model not allowed", "/v1/chat/completions", """{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}""", 400, "model"),
            new("bad role", "/v1/chat/completions", """{"model":"m","messages":[{"role":"robot","content":"hi"}]}""", 400, "messages[0].role"),
            new("role is a number", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"a"},{"role":1,"content":"hi"}]}""", 400, "messages[1].role"),
            new("max_tokens 0", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", 400, "max_tokens"),
            new("max_tokens over the cap", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":1001}""", 400, "max_tokens"),
            new("max_tokens not an integer", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":1.5}""", 400, "max_tokens"),
            new("temperature 3", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":3}""", 400, "temperature"),
            new("top_p 1.5", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"top_p":1.5}""", 400, "top_p"),
            new("seed as a string", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"seed":"7"}""", 400, "seed"),
            new("content part type 5", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":[{"type":5,"text":"hi"}]}]}""", 400, "messages[0].content[0].type"),
            new("tool name a number", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":42}}]}""", 400, "tools[0].function.name"),
            new("too many tools", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":""" + manyTools + "}", 400, "tools"),
            new("too many messages", "/v1/chat/completions", """{"model":"m","messages":""" + manyMessages + "}", 400, "messages"),
            new("message too long", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"user","content":""" + "\"" + new string('y', 1001) + "\"}]}", 400, "messages[1].content"),
            new("tool result without tool_call_id", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","content":"x"}]}""", 400, "messages[1].tool_call_id"),
            new("stream \"yes\"", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", 400, "stream"),
            new("n = 2", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}""", 400, "n"),
            new("nested 200 deep", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":""" + deep + "}}]}", 400, "body"),
            new("text/plain", "/v1/chat/completions", Valid, 415, "content-type", ContentType: "text/plain"),
            new("form content type", "/api/chat", Seed, 415, "content-type", ContentType: "application/x-www-form-urlencoded"),
            new("no content type", "/api/chat", Seed, 415, "content-type", ContentType: null),
            new("seed API: bad role", "/api/chat", """{"messages":[{"role":"tool","content":"hi"}]}""", 400, "messages[0].role"),
            new("seed API: content a number", "/api/chat", """{"messages":[{"role":"user","content":7}]}""", 400, "messages[0].content"),
            new("seed API: messages a string", "/api/chat", """{"messages":"hi"}""", 400, "messages"),
            new("seed API: nothing to send", "/api/chat", """{"max_tokens":5}""", 400, "messages"),
            new("seed API: temperature 3", "/api/chat", """{"messages":[{"role":"user","content":"hi"}],"temperature":3}""", 400, "temperature"),
            new("seed API: max_tokens 0", "/api/chat", """{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", 400, "max_tokens"),
            new("key in the query string", "/v1/chat/completions?api_key=" + chat, Valid, 400, "query.api_key", Key: null),
            new("no key", "/v1/chat/completions", Valid, 401, "authorization", Key: null),
            new("wrong key", "/api/chat", Seed, 401, "authorization", Key: "sk-sentinel-wrong-0123456789abcdef"),
            new("chat key on an admin endpoint", "/test/admin-only", "{}", 403, "scope", Key: chat),
            new("chat key on the probe endpoint", "/api/providers/primary/probe", "{}", 403, "scope", Key: chat),
            new("admin key on a chat endpoint", "/api/chat", Seed, 403, "scope", Key: SecurityTestKeys.Admin),
        ];
    }

    private static HashSet<string> ProblemFields(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                ? [.. errors.EnumerateObject().Select(p => p.Name)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private sealed record Case(string Name, string Path, byte[]? Body, int Status, string Field, string? ContentType = "application/json", string? Key = SecurityTestKeys.Chat)
    {
        public Case(string name, string path, string body, int status, string field, string? ContentType = "application/json", string? Key = SecurityTestKeys.Chat)
            : this(name, path, Encoding.UTF8.GetBytes(body), status, field, ContentType, Key)
        {
        }
    }
}
