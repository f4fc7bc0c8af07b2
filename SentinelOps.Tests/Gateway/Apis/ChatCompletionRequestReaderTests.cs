using System.Text;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Apis.OpenAi;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Tests.Gateway.Apis;

public sealed class ChatCompletionRequestReaderTests
{
    [Fact]
    public void AFullRequest_MapsOntoMicrosoftExtensionsAI()
    {
        var (request, errors) = Read("""
        {
          "model": "gpt-4o-mini",
          "messages": [
            {"role": "developer", "content": "be terse"},
            {"role": "user", "content": [{"type": "text", "text": "weather?"}, {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}
          ],
          "temperature": 0.3, "top_p": 0.8, "max_tokens": 50, "stop": ["END"], "seed": 7,
          "presence_penalty": 0.1, "frequency_penalty": -0.1,
          "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
          "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
          "response_format": {"type": "json_object"},
          "stream": true, "stream_options": {"include_usage": true}
        }
        """);

        Assert.Empty(errors);
        Assert.NotNull(request);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool], request.Messages.Select(m => m.Role));
        Assert.IsType<UriContent>(request.Messages[1].Contents[1]);
        var call = Assert.IsType<FunctionCallContent>(request.Messages[2].Contents.Single());
        Assert.Equal(("call_1", "get_weather", "Paris"), (call.CallId, call.Name, call.Arguments!["city"]!.ToString()));
        Assert.Equal("call_1", Assert.IsType<FunctionResultContent>(request.Messages[3].Contents.Single()).CallId);
        Assert.Equal(0.3f, request.Options.Temperature);
        Assert.Equal(0.8f, request.Options.TopP);
        Assert.Equal(50, request.Options.MaxOutputTokens);
        Assert.Equal(["END"], request.Options.StopSequences!);
        Assert.Equal(7, request.Options.Seed);
        var tool = Assert.IsAssignableFrom<AIFunctionDeclaration>(request.Options.Tools!.Single());
        Assert.Equal("get_weather", tool.Name);
        Assert.Equal("string", tool.JsonSchema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("get_weather", Assert.IsType<RequiredChatToolMode>(request.Options.ToolMode).RequiredFunctionName);
        Assert.IsType<ChatResponseFormatJson>(request.Options.ResponseFormat);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Null(request.Options.ModelId);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    [InlineData("""{"model":"m","messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","content":"x"}]}""", "messages[1].tool_call_id")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"audio"}]}]}""", "messages[0].content[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"top_p":"high"}""", "top_p")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}""", "stop")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}""", "n")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function"}]}""", "tools[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"sometimes"}""", "tool_choice")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}}""", "response_format")]
    [InlineData("""[1,2]""", "body")]
    public void ABadField_IsNamed(string json, string field)
    {
        var (request, errors) = Read(json);

        Assert.Null(request);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void EveryBadField_IsReported_AtOnce()
    {
        var (_, errors) = Read("""{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":-1,"top_p":2,"max_tokens":-5}""");

        Assert.Equal(["max_tokens", "temperature", "top_p"], errors.Keys.Order());
    }

    private static (ChatCompletionRequest? Request, Dictionary<string, string[]> Errors) Read(string json)
    {
        var (request, errors) = ChatCompletionRequestReader.Read(Encoding.UTF8.GetBytes(json), new RequestLimitsOptions());
        return (request, errors.Kept);
    }
}
