using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>
/// Thousands of generated bodies against both chat endpoints: every field of a valid request replaced by every JSON
/// kind, members dropped, truncations, byte noise, deep nesting and huge arrays. None may get a 5xx, no error body
/// may reach 64 KB, only requests the gateway accepted may reach a provider, and no circuit moves.
/// </summary>
public sealed class ChatRequestFuzzTests
{
    private const int BodiesPerEndpoint = 1500;
    private const int MaxErrorBodyBytes = 64 * 1024;

    // Stands for nesting too deep for JsonNode to write; replaced in the text.
    private const string DeepMarker = "@@deep@@";

    private const string OpenAiRequest = """
        {"model":"m","messages":[{"role":"system","content":"be brief"},
         {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}}]},
         {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
         {"role":"tool","tool_call_id":"c1","content":"ok"},{"role":"user","content":"and now?"}],
         "temperature":0.5,"top_p":0.9,"max_tokens":20,"stop":["END"],"seed":1,"presence_penalty":0,"frequency_penalty":0,"n":1,
         "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"integer"}}}}}],
         "tool_choice":"auto","response_format":{"type":"text"},"stream":false,"stream_options":{"include_usage":true}}
        """;

    private const string SeedRequest = """
        {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Explain circuit breakers."},
         {"role":"assistant","content":"A breaker stops calls."},{"role":"user","content":"More?"}],"max_tokens":512,"temperature":0.7}
        """;

    private static readonly Func<Random, JsonNode?>[] Kinds =
    [
        _ => null,
        _ => JsonValue.Create(true),
        _ => JsonValue.Create(false),
        _ => JsonValue.Create(0),
        _ => JsonValue.Create(-1),
        _ => JsonValue.Create(1.5),
        _ => JsonValue.Create(1e308),
        _ => JsonNode.Parse("12345678901234567890123"),
        _ => JsonNode.Parse("-1e400"),
        _ => JsonValue.Create(string.Empty),
        _ => JsonValue.Create("x"),
        r => JsonValue.Create(new string('s', r.Next(1, 20_000))),
        _ => new JsonArray(),
        _ => new JsonArray(1, "a", null, new JsonObject()),
        _ => new JsonObject(),
        _ => new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray() } },
        _ => JsonValue.Create(DeepMarker),
        r => new JsonArray([.. Enumerable.Range(0, r.Next(100, 5000)).Select(i => (JsonNode?)JsonValue.Create(i))]),
    ];

    [Fact]
    public async Task GeneratedBodies_NeverGetA5xx_OrALargeErrorBody_OrReachAProviderUnlessAccepted()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, new Dictionary<string, string?>
        {
            // Every accepted request must reach exactly one provider, once: no retry, no failover.
            ["Gateway:Retry:MaxRetryAttempts"] = "0",
        });
        using var http = gateway.CreateClient();
        var random = new Random(20261128);
        var failures = new List<string>();
        var reachedProviders = 0;
        var statuses = new Dictionary<int, int>();

        foreach (var (path, valid) in new[] { ("/v1/chat/completions", OpenAiRequest), ("/api/chat", SeedRequest) })
        {
            var bodies = Enumerable.Range(0, BodiesPerEndpoint).Select(_ => Generate(random, valid)).Concat(Huge(valid)).ToList();
            foreach (var (name, body) in bodies)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

                // As curl does for large bodies: the gateway can refuse one (413) before it is sent.
                request.Headers.ExpectContinue = body.Length > 1024 * 1024;
                HttpResponseMessage response;
                try
                {
                    response = await http.SendAsync(request);
                }
                catch (HttpRequestException ex)
                {
                    failures.Add($"{path} {name}: {ex.Message}");
                    continue;
                }

                using var _ = response;
                var bytes = await response.Content.ReadAsByteArrayAsync();
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500)
                {
                    failures.Add($"{path} {name}: {status} {Encoding.UTF8.GetString(bytes)[..Math.Min(bytes.Length, 300)]} for {Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 2000)]}");
                }
                else if (status >= 400 && bytes.Length >= MaxErrorBodyBytes)
                {
                    failures.Add($"{path} {name}: {status} with a {bytes.Length}-byte error body");
                }

                if (status < 300 || ProblemType(bytes) is "request-rejected")
                {
                    reachedProviders++;
                }

                // Whatever the request, no provider is blamed for it: the simulators are healthy.
                foreach (var provider in gateway.Chain.Providers)
                {
                    var snapshot = provider.Breaker!.GetSnapshot();
                    if (snapshot.State != SentinelOps.Gateway.Resilience.CircuitBreaking.CircuitState.Closed || snapshot.Failures != 0)
                    {
                        failures.Add($"{path} {name}: {provider.Name} is {snapshot.State} with {snapshot.Failures} failures after a {status}");
                        provider.Breaker.Close("next fuzz case");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(statuses.GetValueOrDefault(400) > BodiesPerEndpoint, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(200) > 10, string.Join(", ", statuses));
        Assert.Equal(reachedProviders, (await primary.GetStatsAsync()).ChatRequests + (await fallback.GetStatsAsync()).ChatRequests);
    }

    private static (string Name, byte[] Body) Generate(Random random, string valid)
    {
        var text = JsonNode.Parse(valid)!.ToJsonString();
        switch (random.Next(10))
        {
            case 0:
                var cut = random.Next(text.Length);
                return ($"truncated at {cut}", Encoding.UTF8.GetBytes(text[..cut]));
            case 1:
                var noisy = Encoding.UTF8.GetBytes(text);
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    noisy[random.Next(noisy.Length)] = (byte)random.Next(256);
                }

                return ("byte noise", noisy);
            case 2:
                var root = JsonNode.Parse(text)!;
                var (dropPath, dropParent, dropKey) = PickMember(random, root);
                if (dropParent is JsonObject dropObject)
                {
                    dropObject.Remove((string)dropKey);
                }
                else if (dropParent is JsonArray dropArray)
                {
                    dropArray.RemoveAt((int)dropKey);
                }

                return ($"dropped {dropPath}", Encoding.UTF8.GetBytes(root.ToJsonString()));
            default:
                var tree = JsonNode.Parse(text)!;
                var (path, parent, key) = PickMember(random, tree);
                var kind = random.Next(Kinds.Length);
                var value = Kinds[kind](random);
                if (parent is JsonObject parentObject)
                {
                    parentObject[(string)key] = value;
                }
                else if (parent is JsonArray parentArray)
                {
                    parentArray[(int)key] = value;
                }

                var depth = random.Next(1, 120);
                var mutated = tree.ToJsonString().Replace($"\"{DeepMarker}\"", new string('[', depth) + new string(']', depth), StringComparison.Ordinal);
                return ($"{path} = kind {kind}", Encoding.UTF8.GetBytes(mutated));
        }
    }

    // A random member anywhere in the tree: its path, its parent and its key (property name or index).
    private static (string Path, JsonNode Parent, object Key) PickMember(Random random, JsonNode root)
    {
        var members = new List<(string, JsonNode, object)>();
        void Walk(JsonNode node, string path)
        {
            if (node is JsonObject obj)
            {
                foreach (var (name, child) in obj.ToList())
                {
                    members.Add(($"{path}.{name}", obj, name));
                    if (child is not null)
                    {
                        Walk(child, $"{path}.{name}");
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    members.Add(($"{path}[{i}]", array, i));
                    if (array[i] is { } child)
                    {
                        Walk(child, $"{path}[{i}]");
                    }
                }
            }
        }

        Walk(root, "$");
        return members[random.Next(members.Count)];
    }

    private static IEnumerable<(string Name, byte[] Body)> Huge(string valid)
    {
        yield return ("500k numbers as messages", Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[" + string.Join(',', Enumerable.Repeat("1", 500_000)) + "]}"));
        yield return ("300k empty messages", Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[" + string.Join(',', Enumerable.Repeat("{}", 300_000)) + "]}"));
        yield return ("100k valid messages", Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[" + string.Join(',', Enumerable.Repeat("{\"role\":\"user\",\"content\":\"x\"}", 30_000)) + "]}"));
        yield return ("3 million items", Encoding.UTF8.GetBytes("{\"messages\":[" + string.Join(',', Enumerable.Repeat("1", 3_000_000)) + "]}"));
        yield return ("nesting 100k deep", Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)));
        yield return ("nesting 60 deep in a schema", Encoding.UTF8.GetBytes(valid.Replace("\"properties\":{\"a\":{\"type\":\"integer\"}}", "\"properties\":" + new string('[', 60) + new string(']', 60), StringComparison.Ordinal)));
        yield return ("10k content parts", Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[" + string.Join(',', Enumerable.Repeat("{\"type\":\"text\",\"text\":\"a\"}", 10_000)) + "]}]}"));
        yield return ("10k stop sequences", Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"stop\":[" + string.Join(',', Enumerable.Repeat("\"s\"", 10_000)) + "]}"));
        yield return ("10k tools", Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"tools\":[" + string.Join(',', Enumerable.Repeat("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", 10_000)) + "]}"));
        yield return ("50k bad roles", Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[" + string.Join(',', Enumerable.Repeat("{\"role\":\"robot\",\"content\":\"x\"}", 4000)) + "]}"));
    }

    private static string? ProblemType(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("type", out var type) && type.GetString() is { } uri ? uri[(uri.LastIndexOf('/') + 1)..] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
