using System.Globalization;
using Microsoft.Extensions.Options;
using SentinelOps.Simulator.Faults;
using SentinelOps.Simulator.Replies;

namespace SentinelOps.Simulator.Apis;

/// <summary>The OpenAI chat completions protocol: JSON and server-sent events, as the OpenAI SDK expects them.</summary>
internal static class OpenAiApi
{
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI protocol");
        api.MapPost("/chat/completions", CreateChatCompletionAsync);
        api.MapGet("/models", ListModelsAsync);
        return app;
    }

    private static object ErrorBody(int status, string message, string? param) => new
    {
        error = new
        {
            message,
            type = status switch
            {
                429 => "rate_limit_exceeded",
                >= 500 => "server_error",
                404 => "not_found_error",
                _ => "invalid_request_error",
            },
            param,
            code = status == 404 ? "model_not_found" : null,
        },
    };

    private static async Task ListModelsAsync(HttpContext context, FaultInjector faults, IOptions<SimulatorOptions> options, TimeProvider timeProvider)
    {
        if (await FaultResponder.TryRespondAsync(context, faults.Admit(isChat: false), ErrorBody, timeProvider))
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data = new[]
            {
                new { id = options.Value.EffectiveModel, @object = "model", created = 1_700_000_000, owned_by = options.Value.Name },
            },
        });
    }

    private static async Task CreateChatCompletionAsync(
        HttpContext context, FaultInjector faults, IOptions<SimulatorOptions> options, TimeProvider timeProvider)
    {
        var settings = options.Value;
        if (await ChatExchange.BeginAsync(context, faults, settings, timeProvider, streamByDefault: false, ErrorBody, model => $"The model '{model}' does not exist.")
            is not { } exchange)
        {
            return;
        }

        var (request, fault) = exchange;
        var reply = SimulatedReply.For(request.MessageRoles, request.MessageTexts, request.MaxTokens, request.ToolName);
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var finishReason = reply.ToolCall is not null ? "tool_calls" : reply.Truncated ? "length" : "stop";
        var usage = new
        {
            prompt_tokens = reply.PromptTokens,
            completion_tokens = reply.CompletionTokens,
            total_tokens = reply.PromptTokens + reply.CompletionTokens,
        };

        if (!request.Stream)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id,
                @object = "chat.completion",
                created,
                model = settings.EffectiveModel,
                choices = new[]
                {
                    new { index = 0, message = Message(reply), finish_reason = finishReason },
                },
                usage,
            });
            return;
        }

        var stream = new ServerSentEventWriter(context.Response);
        // A fault after N chunks strikes before chunk N, or before the stream's end when N is the number of chunks.
        for (var i = 0; i <= reply.Chunks.Count; i++)
        {
            if (fault.Mode == FaultMode.StreamCut && i == fault.AfterChunks)
            {
                throw new SimulatedStreamCutException(i);
            }

            if (fault.Mode == FaultMode.Stall && i == fault.AfterChunks && !await FaultResponder.WaitForReleaseAsync(context, fault))
            {
                return;
            }

            if (i == reply.Chunks.Count)
            {
                break;
            }

            await stream.WriteAsync(Chunk(id, created, settings.EffectiveModel, Delta(reply, i), null), context.RequestAborted);
            if (settings.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(settings.ChunkDelay, timeProvider, context.RequestAborted);
            }
        }

        await stream.WriteAsync(Chunk(id, created, settings.EffectiveModel, new { }, finishReason), context.RequestAborted);
        if (request.IncludeUsage)
        {
            await stream.WriteAsync(new { id, @object = "chat.completion.chunk", created, model = settings.EffectiveModel, choices = Array.Empty<object>(), usage }, context.RequestAborted);
        }

        await stream.WriteDoneAsync(context.RequestAborted);
    }

    private static object Message(SimulatedReply reply) => reply.ToolCall is { } call
        ? new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = SimulatedToolCall.Id, type = "function", function = new { name = call.Name, arguments = call.Arguments } } } }
        : new { role = "assistant", content = reply.Text };

    // A text answer streams a token per chunk; a tool call streams its id and name first, then its arguments in pieces.
    private static object Delta(SimulatedReply reply, int i) => (reply.ToolCall, i) switch
    {
        (null, 0) => new { role = "assistant", content = reply.Chunks[i] },
        (null, _) => new { content = reply.Chunks[i] },
        ({ } call, 0) => new
        {
            role = "assistant",
            tool_calls = new[] { new { index = 0, id = SimulatedToolCall.Id, type = "function", function = new { name = call.Name, arguments = reply.Chunks[i] } } },
        },
        _ => new { tool_calls = new[] { new { index = 0, function = new { arguments = reply.Chunks[i] } } } },
    };

    private static object Chunk(string id, long created, string model, object delta, string? finishReason) => new
    {
        id,
        @object = "chat.completion.chunk",
        created,
        model,
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    };
}
