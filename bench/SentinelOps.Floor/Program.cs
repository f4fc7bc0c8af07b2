using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

// The least a gateway built on this repository's packages has to do for one chat request, and nothing of the gateway's
// own: no authentication, rate limit, validation, metrics, telemetry, retry, breaker or failover. bench/floor.sh runs the
// same load against the simulator, this and the gateway, so the packages' share of the cost can be told from ours.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var upstream = builder.Configuration["Floor:Upstream"]?.TrimEnd('/') ?? "http://127.0.0.1:9101/v1";
var model = builder.Configuration["Floor:Model"] ?? "sim-gpt-4o-mini";
var app = builder.Build();

var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
var client = new ChatClient(model, new ApiKeyCredential("no-key"), new OpenAIClientOptions
{
    Endpoint = new Uri(upstream),
    Transport = new HttpClientPipelineTransport(http),
    RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
}).AsIChatClient();
var completionsUrl = new Uri(upstream + "/chat/completions");

app.MapGet("/health", () => "ok");

// 1. The bytes forwarded as they are: no JSON read or written, no SDK.
app.MapPost("/raw/v1/chat/completions", async (HttpContext context) =>
{
    using var request = new HttpRequestMessage(HttpMethod.Post, completionsUrl) { Content = new StreamContent(context.Request.Body) };
    request.Content.Headers.ContentType = new("application/json");
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
    context.Response.StatusCode = (int)response.StatusCode;
    context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
    await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
});

// 2. The OpenAI SDK behind Microsoft.Extensions.AI's IChatClient, the request sent upstream as it came (not streamed).
app.MapPost("/sdk/v1/chat/completions", async (HttpContext context) =>
{
    var (messages, _) = await ReadRequestAsync(context);
    await WriteCompletionAsync(context, await client.GetResponseAsync(messages, cancellationToken: context.RequestAborted));
});

// 3. The same, but every request sent upstream as a stream, as the gateway sends them (a hung provider shows by its
//    first token): assembled into one answer for a non-streaming request, relayed event by event for a streaming one.
app.MapPost("/sdk-stream/v1/chat/completions", async (HttpContext context) =>
{
    var (messages, stream) = await ReadRequestAsync(context);
    var updates = client.GetStreamingResponseAsync(messages, cancellationToken: context.RequestAborted);
    if (!stream)
    {
        await WriteCompletionAsync(context, await updates.ToChatResponseAsync(context.RequestAborted));
        return;
    }

    context.Response.ContentType = "text/event-stream";
    await foreach (var update in updates)
    {
        await WriteChunkAsync(context, update);
    }

    await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
});

app.Run();

static async Task<(List<Microsoft.Extensions.AI.ChatMessage> Messages, bool Stream)> ReadRequestAsync(HttpContext context)
{
    using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
    var messages = new List<Microsoft.Extensions.AI.ChatMessage>();
    foreach (var message in body.RootElement.GetProperty("messages").EnumerateArray())
    {
        messages.Add(new(new ChatRole(message.GetProperty("role").GetString()!), message.GetProperty("content").GetString()));
    }

    return (messages, body.RootElement.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True);
}

static async Task WriteCompletionAsync(HttpContext context, ChatResponse response)
{
    context.Response.ContentType = "application/json";
    using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
    {
        json.WriteStartObject();
        json.WriteString("id", response.ResponseId);
        json.WriteString("object", "chat.completion");
        json.WriteNumber("created", (response.CreatedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
        json.WriteString("model", response.ModelId);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        json.WriteString("content", response.Text);
        json.WriteEndObject();
        json.WriteString("finish_reason", response.FinishReason?.Value ?? "stop");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", response.Usage?.InputTokenCount ?? 0);
        json.WriteNumber("completion_tokens", response.Usage?.OutputTokenCount ?? 0);
        json.WriteNumber("total_tokens", response.Usage?.TotalTokenCount ?? 0);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
}

static async Task WriteChunkAsync(HttpContext context, ChatResponseUpdate update)
{
    context.Response.BodyWriter.Write("data: "u8);
    using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
    {
        json.WriteStartObject();
        json.WriteString("id", update.ResponseId);
        json.WriteString("object", "chat.completion.chunk");
        json.WriteString("model", update.ModelId);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("delta");
        json.WriteString("content", update.Text);
        json.WriteEndObject();
        if (update.FinishReason is { } finish)
        {
            json.WriteString("finish_reason", finish.Value);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    context.Response.BodyWriter.Write("\n\n"u8);
    await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
}
