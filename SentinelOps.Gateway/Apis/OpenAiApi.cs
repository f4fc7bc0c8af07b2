using System.Buffers;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI.Chat;
using SentinelOps.Gateway.Apis.OpenAi;
using SentinelOps.Gateway.Caching;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Routing;
using SentinelOps.Gateway.Security;
using SentinelOps.Gateway.Validation;

// OPENAI001: AsOpenAIChatCompletion / AsOpenAIStreamingChatCompletionUpdatesAsync are the official bridge from
// Microsoft.Extensions.AI to OpenAI's own wire types, still marked experimental. Versions are pinned centrally and the
// tests drive this endpoint with the official OpenAI client, so a breaking change would show.
#pragma warning disable OPENAI001

namespace SentinelOps.Gateway.Apis;

/// <summary>
/// OpenAI-compatible endpoints, so any OpenAI SDK can use the gateway by changing its base URL:
/// <c>POST /v1/chat/completions</c> (JSON and server-sent events) and <c>GET /v1/models</c>.
/// </summary>
public static class OpenAiApi
{
    /// <summary>Response header naming the provider that answered.</summary>
    public const string ProviderHeader = "x-sentinel-provider";

    /// <summary>Response header saying whether another provider failed first (<c>true</c>/<c>false</c>).</summary>
    public const string FailoverHeader = "x-sentinel-failover";

    /// <summary>Response header present (<c>true</c>) only on a hedged answer: the request was also started on a second
    /// provider because the first sent no first token within the hedging delay.</summary>
    public const string HedgedHeader = "x-sentinel-hedged";

    /// <summary>The response header that marks an answer served from the response cache (<c>hit</c>).</summary>
    public const string CacheHeader = "x-sentinel-cache";

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI-compatible");
        api.MapPost("/chat/completions", CreateChatCompletionAsync).RequireChatScope();
        api.MapGet("/models", ListModels);
        return app;
    }

    private static Ok<ModelList> ListModels(ProviderChain chain) => TypedResults.Ok(new ModelList(
        "list",
        [.. chain.Providers.Select(p => new ModelEntry(p.Options.Model, "model", 0, p.Name))]));

    internal static async Task<IResult> CreateChatCompletionAsync(HttpContext context, IChatClient chatClient, IOptions<RequestLimitsOptions> limits)
    {
        ChatCompletionRequest? request;
        var (body, tooLargeOrNotJson) = await JsonRequestBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        if (body is null)
        {
            return tooLargeOrNotJson!;
        }

        using (body)
        {
            (request, var errors) = ChatCompletionRequestReader.Read(body.Span, limits.Value);
            if (request is null)
            {
                return GatewayProblems.Invalid(errors);
            }
        }

        if (request.Stream && !StreamContinuationSwitch.TryApply(context.Request))
        {
            return GatewayProblems.Invalid(ValidationErrors.Single(StreamContinuationSwitch.HeaderName, "Must be 'on' or 'off'."));
        }

        var traceId = Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        try
        {
            if (!request.Stream)
            {
                ResponseCacheRequest.BeginIfEnabled(context);
                var response = await chatClient.GetResponseAsync(request.Messages, request.Options, context.RequestAborted);
                WriteRoutingHeaders(context, ProviderRouting.From(response.AdditionalProperties));
                var completion = ModelReaderWriter.Write(response.AsOpenAIChatCompletion());
                return TypedResults.Bytes(completion.ToMemory(), "application/json");
            }

            return await StreamAsync(context, chatClient, request);
        }
        catch (Exception ex) when (GatewayProblems.TryCreate(ex, context, traceId, out var problem))
        {
            return problem;
        }
    }

    // The provider chain does all its failing over inside the first MoveNextAsync, so a chain that fails entirely is
    // still answered with a problem document; once the first update is in hand, the response becomes a stream.
    private static async Task<IResult> StreamAsync(HttpContext context, IChatClient chatClient, ChatCompletionRequest request)
    {
        var routing = new StrongBox<ProviderRouting?>();
        var continued = new StrongBox<StreamContinued?>();
        var updates = Observe(chatClient.GetStreamingResponseAsync(request.Messages, request.Options, context.RequestAborted), routing, continued, request.IncludeUsage);
        var enumerator = updates.AsOpenAIStreamingChatCompletionUpdatesAsync(context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
        try
        {
            if (!await enumerator.MoveNextAsync())
            {
                await WriteDoneAsync(context);
                return TypedResults.Empty;
            }
        }
        catch
        {
            await enumerator.DisposeAsync();
            throw;
        }

        await using (enumerator)
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            WriteRoutingHeaders(context, routing.Value);
            var current = enumerator.Current;
            using var json = new Utf8JsonWriter(context.Response.BodyWriter);
            while (true)
            {
                if (continued.Value is { } marker)
                {
                    // Another provider continues the answer from here: one comment line, which SSE parsers skip.
                    continued.Value = null;
                    await WriteCommentAsync(context, marker.SseComment);
                }

                await WriteEventAsync(context, json, current);
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (ProviderStreamInterruptedException ex)
                {
                    // Never a clean [DONE] after a broken stream: the client must know its answer is incomplete.
                    await WriteEventAsync(context, BinaryData.FromObjectAsJson(new
                    {
                        error = new { message = ex.Message, type = "server_error", code = "stream_interrupted", provider = ex.Failure.Provider },
                    }));
                    return TypedResults.Empty;
                }

                current = enumerator.Current;
            }
        }

        await WriteDoneAsync(context);
        return TypedResults.Empty;
    }

    private static void WriteRoutingHeaders(HttpContext context, ProviderRouting? routing)
    {
        if (routing is null)
        {
            return;
        }

        context.Response.Headers[ProviderHeader] = routing.Provider;
        context.Response.Headers[FailoverHeader] = routing.FailoverOccurred ? "true" : "false";
        if (routing.Hedged)
        {
            context.Response.Headers[HedgedHeader] = "true";
        }

        if (routing.Provider == ResponseCacheChatClient.CacheProvider)
        {
            context.Response.Headers[CacheHeader] = "hit";
        }
    }

    // Captures the routing the failover client put on the first update (the OpenAI conversion drops it) and the mark of
    // a continuation, never forwards a provider's raw tool-call fragments (Microsoft.Extensions.AI emits the whole call
    // once the provider's stream has ended: forwarding both would send the call twice, and a fragment could be spliced
    // with another provider's), and drops usage figures unless the client asked for them with stream_options.include_usage.
    private static async IAsyncEnumerable<ChatResponseUpdate> Observe(
        IAsyncEnumerable<ChatResponseUpdate> updates, StrongBox<ProviderRouting?> routing, StrongBox<StreamContinued?> continued, bool includeUsage)
    {
        await foreach (var update in updates)
        {
            if (update.AdditionalProperties is { } properties)
            {
                routing.Value ??= ProviderRouting.From(properties);
                continued.Value ??= StreamContinued.From(properties);
            }

            if (update.RawRepresentation is StreamingChatCompletionUpdate { ToolCallUpdates.Count: > 0 })
            {
                update.RawRepresentation = null;
            }

            if (!includeUsage && update.HasUsage())
            {
                update.Contents = [.. update.Contents.Where(c => c is not UsageContent)];
            }

            yield return update;
        }
    }

    // One chunk: serialized straight into the response's pooled pipe buffer (no intermediate copy), framed as an
    // event, then one flush, so each event reaches the client as it comes.
    private static ValueTask<FlushResult> WriteEventAsync(HttpContext context, Utf8JsonWriter json, IJsonModel<StreamingChatCompletionUpdate> update)
    {
        var writer = context.Response.BodyWriter;
        writer.Write("data: "u8);
        update.Write(json, ModelReaderWriterOptions.Json);
        json.Flush();
        json.Reset();
        writer.Write("\n\n"u8);
        return writer.FlushAsync(context.RequestAborted);
    }

    // One event: framed straight into the response's pooled pipe buffer, then one flush.
    private static async Task WriteEventAsync(HttpContext context, BinaryData payload)
    {
        var writer = context.Response.BodyWriter;
        writer.Write("data: "u8);
        writer.Write(payload.ToMemory().Span);
        writer.Write("\n\n"u8);
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteCommentAsync(HttpContext context, string comment)
    {
        var writer = context.Response.BodyWriter;
        writer.Write(System.Text.Encoding.UTF8.GetBytes(comment));
        writer.Write("\n\n"u8);
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteDoneAsync(HttpContext context)
    {
        context.Response.ContentType ??= "text/event-stream";
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private sealed record ModelList(
        [property: System.Text.Json.Serialization.JsonPropertyName("object")] string Object,
        [property: System.Text.Json.Serialization.JsonPropertyName("data")] IReadOnlyList<ModelEntry> Data);

    private sealed record ModelEntry(
        [property: System.Text.Json.Serialization.JsonPropertyName("id")] string Id,
        [property: System.Text.Json.Serialization.JsonPropertyName("object")] string Object,
        [property: System.Text.Json.Serialization.JsonPropertyName("created")] long Created,
        [property: System.Text.Json.Serialization.JsonPropertyName("owned_by")] string OwnedBy);
}
