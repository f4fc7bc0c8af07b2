using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>
/// Values that the SDK types check when the gateway builds a provider's request: URIs and data URLs in every content
/// part kind, names and ids wherever they occur, JSON schemas in tools and <c>response_format</c>. Sent through the
/// real OpenAI and OllamaSharp clients, each kind of provider first in turn. None may get a 5xx or an error body of
/// 64 KB, and after every case every circuit is still closed with no failure counted: the request's fault is never a
/// provider's.
/// </summary>
public sealed class TranslationFuzzTests
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    private const string Valid = """
        {"model":"m","messages":[{"role":"system","content":"be brief","name":"sys"},
         {"role":"user","name":"ann","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}}]},
         {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
         {"role":"tool","tool_call_id":"c1","content":"ok"},{"role":"user","content":"and now?"}],
         "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}}],
         "tool_choice":{"type":"function","function":{"name":"f"}},
         "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"x":{"type":"string"}}}}}}
        """;

    private static readonly string[] UrlPaths =
    [
        "messages[1].content[1].image_url.url",
        "messages[1].content[0].text",
        "messages[1].content[1].image_url.detail",
    ];

    private static readonly string[] NamePaths =
    [
        "messages[0].name",
        "messages[1].name",
        "messages[2].tool_calls[0].id",
        "messages[2].tool_calls[0].function.name",
        "messages[2].tool_calls[0].function.arguments",
        "messages[3].tool_call_id",
        "tools[0].function.name",
        "tool_choice.function.name",
        "response_format.json_schema.name",
    ];

    private static readonly string[] SchemaPaths =
    [
        "tools[0].function.parameters",
        "response_format.json_schema.schema",
    ];

    private static readonly string[] Urls =
    [
        "", " ", "data:", "data:,", "data:,x", "data:image/png;base64,", "data:image/png;base64,!!!", "data:image/png;base64,AAAA",
        "DATA:IMAGE/PNG;BASE64,AAAA", "data:;base64,AAAA", "data:image/png,abc%zz", "data:image/png;base64,AA AA", "data:image/png;base64,AAA",
        "data:text/plain,hi", "data:application/pdf;base64,AAAA", "data:audio/wav;base64,AAAA", "data:image/\u0000;base64,AAAA", "data:image/;base64,AAAA",
        "data:image/png;name=\"x y\";base64,AAAA", "data:image/png;base64,AAAA,BBBB", "data:image/png;charset=utf-8,%00%FF", "http://", "https://",
        "http://[::1", "http://a b", "ftp://x/y", "file:///etc/passwd", "javascript:alert(1)", "//example.com/a.png", "example.com/a.png",
        "https://ü.example/𝄞.png", "https://example.com/" + new string('a', 70_000), "data:image/png;base64," + new string('A', 100_000),
        "https://user:pass@example.com/a.png", "https://example.com/a.png#frag?x=%",
    ];

    private static readonly string[] Names =
    [
        "", " ", "\t", "a b", "ä", "x\u0000", "f\n", "--", "_", "../../etc", "🙂", new string('n', 64), new string('n', 65), new string('n', 20_000),
        "{}", "null", "{\"a\":", "[1]", "\"", "{\"\\ud800\":1}",
    ];

    private static readonly string[] Schemas =
    [
        "{}", "true", "false", "5", "\"x\"", "[]", "null", """{"type":5}""", """{"type":null}""", """{"type":["object","null"]}""", """{"type":"banana"}""",
        """{"properties":5}""", """{"properties":null}""", """{"properties":{"a":5}}""", """{"properties":{"a":true}}""", """{"properties":{"a":null}}""",
        """{"properties":{"a":{"type":5}}}""", """{"properties":{"a":{"enum":5}}}""", """{"properties":{"a":{"enum":[null,{}]}}}""",
        """{"properties":{"a":{"items":5}}}""", """{"properties":{"a":{"$ref":"http://example.com/s"}}}""", """{"properties":{"":{}}}""",
        """{"required":5}""", """{"required":[5]}""", """{"required":[null]}""", """{"required":["zz","zz"]}""", """{"additionalProperties":null}""",
        """{"additionalProperties":{}}""", """{"additionalProperties":"no"}""", """{"$ref":"#/nowhere"}""", """{"anyOf":5}""", """{"anyOf":[5]}""",
        """{"$defs":5}""", """{"description":5}""", """{"default":{"a":[1,2]}}""", """{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"array","items":{"type":"object","properties":{"c":{"type":5}}}}}}}}""",
        """{"minimum":"x","maxLength":-1,"pattern":"(","format":5}""", """{"properties":{"\ud800":{}}}""", """{"type":"\udfff"}""",
    ];

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task UrisNamesIdsAndSchemas_NeverGetA5xx_AndNeverMoveACircuit(SimulatorProtocol first)
    {
        await using var openAi = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var ollama = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        var (primary, fallback) = first == SimulatorProtocol.OpenAI ? (openAi, ollama) : (ollama, openAi);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback);
        using var http = gateway.CreateClient();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var cases = Cases().ToList();

        for (var i = 0; i < cases.Count; i++)
        {
            var (name, body) = cases[i];
            var stream = i % 2 == 1;
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent(body.Replace("\"model\":\"m\"", $"\"model\":\"m\",\"stream\":{(stream ? "true" : "false")}", StringComparison.Ordinal)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.SendAsync(request);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;

            // The reader checks first what the SDKs check, so no case needs the last line of defence (a 400 naming the
            // whole "request" because building the provider's request failed).
            if (Encoding.UTF8.GetString(bytes).Contains("\"errors\":{\"request\"", StringComparison.Ordinal))
            {
                failures.Add($"{name} (stream: {stream}): not caught by the reader: {Encoding.UTF8.GetString(bytes)[..Math.Min(bytes.Length, 300)]}");
            }

            if (status >= 500 || (status >= 400 && bytes.Length >= MaxErrorBodyBytes))
            {
                failures.Add($"{name} (stream: {stream}): {status}, {bytes.Length} bytes: {Encoding.UTF8.GetString(bytes)[..Math.Min(bytes.Length, 300)]}");
            }

            foreach (var provider in gateway.Chain.Providers)
            {
                var snapshot = provider.Breaker!.GetSnapshot();
                if (snapshot.State != CircuitState.Closed || snapshot.Failures != 0 || snapshot.ConsecutiveFailures != 0)
                {
                    failures.Add($"{name} (stream: {stream}): {provider.Name} is {snapshot.State} with {snapshot.Failures} failures after a {status}");
                    provider.Breaker.Close("next fuzz case");
                }
            }
        }

        Assert.Empty(failures);

        // Both answers are common: the cases are not all rejected by the reader, nor all accepted.
        Assert.True(statuses.GetValueOrDefault(200) > 20, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(400) > 100, string.Join(", ", statuses));
    }

    private static IEnumerable<(string Name, string Body)> Cases()
    {
        foreach (var path in UrlPaths)
        {
            foreach (var url in Urls)
            {
                yield return ($"{path} = {Shorten(url)}", With(path, JsonSerializer.Serialize(url)));
            }
        }

        foreach (var path in NamePaths)
        {
            foreach (var name in Names)
            {
                yield return ($"{path} = {Shorten(name)}", With(path, JsonSerializer.Serialize(name)));
            }
        }

        // Strings escaped into unpaired surrogates, which no .NET string serializer writes.
        foreach (var path in UrlPaths.Concat(NamePaths))
        {
            foreach (var raw in new[] { "\"\\ud800\"", "\"a\\udc00b\"" })
            {
                yield return ($"{path} = {raw}", With(path, raw));
            }
        }

        foreach (var path in SchemaPaths)
        {
            foreach (var schema in Schemas)
            {
                yield return ($"{path} = {Shorten(schema)}", With(path, schema));
            }
        }
    }

    // The valid request with the member at a dotted path ("messages[1].content[0].text") replaced by the JSON text
    // json, spliced in as text so that escapes no JsonNode would write (an unpaired surrogate) reach the gateway.
    private static string With(string path, string json)
    {
        const string Marker = "@@value@@";
        var value = JsonValue.Create(Marker);
        var root = JsonNode.Parse(Valid)!;
        JsonNode parent = root;
        var steps = path.Split('.');
        for (var i = 0; i < steps.Length; i++)
        {
            var (member, index) = Step(steps[i]);
            var last = i == steps.Length - 1;
            if (index is null && last)
            {
                parent[member] = value;
            }
            else if (index is { } at && last)
            {
                parent[member]![at] = value;
            }
            else
            {
                parent = index is { } j ? parent[member]![j]! : parent[member]!;
            }
        }

        return root.ToJsonString().Replace($"\"{Marker}\"", json, StringComparison.Ordinal);
    }

    private static (string Member, int? Index) Step(string step)
    {
        var bracket = step.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? (step, null) : (step[..bracket], int.Parse(step[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : $"{text[..40]}… ({text.Length} chars)";
}
