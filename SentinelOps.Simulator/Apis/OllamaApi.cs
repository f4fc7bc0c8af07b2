using System.Text.Json;
using Microsoft.Extensions.Options;
using SentinelOps.Simulator.Faults;
using SentinelOps.Simulator.Replies;

namespace SentinelOps.Simulator.Apis;

/// <summary>Ollama's native protocol: <c>/api/chat</c> as JSON or newline-delimited JSON, plus the listing endpoints.</summary>
internal static class OllamaApi
{
    private const string Version = "0.12.0";

    public static IEndpointRouteBuilder MapOllamaApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Ollama protocol");
        api.MapPost("/chat", ChatAsync);
        api.MapGet("/tags", ListModelsAsync);
        api.MapGet("/version", VersionAsync);
        app.MapGet("/", () => "Ollama is running");
        return app;
    }

    private static object ErrorBody(int status, string message, string? field) => new { error = message };

    private static async Task VersionAsync(HttpContext context, FaultInjector faults, TimeProvider timeProvider)
    {
        if (!await FaultResponder.TryRespondAsync(context, faults.Admit(isChat: false), ErrorBody, timeProvider))
        {
            await context.Response.WriteAsJsonAsync(new { version = Version });
        }
    }

    private static async Task ListModelsAsync(HttpContext context, FaultInjector faults, IOptions<SimulatorOptions> options, TimeProvider timeProvider)
    {
        if (await FaultResponder.TryRespondAsync(context, faults.Admit(isChat: false), ErrorBody, timeProvider))
        {
            return;
        }

        var model = options.Value.EffectiveModel;
        await context.Response.WriteAsJsonAsync(new
        {
            models = new[]
            {
                new
                {
                    name = model,
                    model,
                    modified_at = "2026-01-01T00:00:00Z",
                    size = 1_321_098_329L,
                    digest = "5f0c6a524b1e4f559a635e4d2b1f7c015f0c6a524b1e4f559a635e4d2b1f7c01",
                    details = new { format = "gguf", family = "llama", parameter_size = "1.2B", quantization_level = "Q8_0" },
                },
            },
        });
    }

    private static async Task ChatAsync(HttpContext context, FaultInjector faults, IOptions<SimulatorOptions> options, TimeProvider timeProvider)
    {
        var settings = options.Value;
        if (await ChatExchange.BeginAsync(context, faults, settings, timeProvider, streamByDefault: true, ErrorBody, model => $"model '{model}' not found, try pulling it first")
            is not { } exchange)
        {
            return;
        }

        var (request, fault) = exchange;
        var reply = SimulatedReply.For(request.MessageRoles, request.MessageTexts, request.MaxTokens, request.ToolName);
        var started = timeProvider.GetTimestamp();
        var doneReason = reply.Truncated ? "length" : "stop";

        if (!request.Stream)
        {
            await context.Response.WriteAsJsonAsync(Final(settings.EffectiveModel, timeProvider, reply, doneReason, started, reply.Text, reply.ToolCall));
            return;
        }

        context.Response.ContentType = "application/x-ndjson";

        // Ollama streams a tool call whole, in one line, as its only chunk.
        var chunks = reply.ToolCall is null ? reply.Chunks : [string.Empty];
        // A fault after N chunks strikes before chunk N, or before the stream's end when N is the number of chunks.
        for (var i = 0; i <= chunks.Count; i++)
        {
            if (fault.Mode == FaultMode.StreamCut && i == fault.AfterChunks)
            {
                throw new SimulatedStreamCutException(i);
            }

            if (fault.Mode == FaultMode.Stall && i == fault.AfterChunks && !await FaultResponder.WaitForReleaseAsync(context, fault))
            {
                return;
            }

            if (i == chunks.Count)
            {
                break;
            }

            await WriteLineAsync(context, new
            {
                model = settings.EffectiveModel,
                created_at = timeProvider.GetUtcNow(),
                message = Message(chunks[i], reply.ToolCall),
                done = false,
            });
            if (settings.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(settings.ChunkDelay, timeProvider, context.RequestAborted);
            }
        }

        await WriteLineAsync(context, Final(settings.EffectiveModel, timeProvider, reply, doneReason, started, string.Empty, toolCall: null));
    }

    private static object Message(string content, SimulatedToolCall? toolCall) => toolCall is null
        ? new { role = "assistant", content }
        : new { role = "assistant", content, tool_calls = new[] { new { function = new { name = toolCall.Name, arguments = JsonSerializer.Deserialize<JsonElement>(toolCall.Arguments) } } } };

    private static object Final(string model, TimeProvider timeProvider, SimulatedReply reply, string doneReason, long started, string content, SimulatedToolCall? toolCall)
    {
        var nanoseconds = (long)(timeProvider.GetElapsedTime(started).TotalMilliseconds * 1_000_000);
        return new
        {
            model,
            created_at = timeProvider.GetUtcNow(),
            message = Message(content, toolCall),
            done = true,
            done_reason = doneReason,
            total_duration = nanoseconds,
            load_duration = 0L,
            prompt_eval_count = reply.PromptTokens,
            prompt_eval_duration = 0L,
            eval_count = reply.CompletionTokens,
            eval_duration = nanoseconds,
        };
    }

    private static async Task WriteLineAsync(HttpContext context, object payload)
    {
        await context.Response.WriteAsync(JsonSerializer.Serialize(payload) + "\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
