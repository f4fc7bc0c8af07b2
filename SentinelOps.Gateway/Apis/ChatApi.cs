using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Caching;
using SentinelOps.Gateway.Routing;
using SentinelOps.Gateway.Security;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Apis;

/// <summary>The seed API: <c>POST /api/chat</c>.</summary>
public static class ChatApi
{
    /// <summary>Maps the chat endpoints.</summary>
    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Chat");
        api.MapPost("/chat", ChatAsync).RequireChatScope();
        return app;
    }

    private static async Task<Results<Ok<ChatApiResponse>, ValidationProblem, ProblemHttpResult>> ChatAsync(
        HttpContext context, IChatClient chatClient, TimeProvider timeProvider, IOptions<RequestLimitsOptions> limits)
    {
        var started = timeProvider.GetTimestamp();
        List<ChatMessage>? messages;
        ChatOptions? chatOptions;
        var (body, tooLargeOrNotJson) = await JsonRequestBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        if (body is null)
        {
            return tooLargeOrNotJson!;
        }

        using (body)
        {
            (messages, chatOptions, var errors) = ChatApiRequestReader.Read(body.Span, limits.Value);
            if (errors.Any)
            {
                return GatewayProblems.Invalid(errors);
            }
        }

        var traceId = Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        try
        {
            ResponseCacheRequest.BeginIfEnabled(context);
            var response = await chatClient.GetResponseAsync(messages!, chatOptions, context.RequestAborted);
            var routing = ProviderRouting.From(response.AdditionalProperties)
                ?? throw new InvalidOperationException("The chat client did not record which provider answered.");
            if (routing.Provider == ResponseCacheChatClient.CacheProvider)
            {
                context.Response.Headers[OpenAiApi.CacheHeader] = "hit";
            }

            return TypedResults.Ok(new ChatApiResponse(
                traceId,
                routing.Provider,
                response.ModelId,
                response.Text,
                Math.Round(timeProvider.GetElapsedTime(started).TotalMilliseconds, 1),
                "success",
                routing.FailoverOccurred,
                [.. routing.Failures.Select(f => f.Provider)],
                response.Usage?.TotalTokenCount,
                routing.Hedged));
        }
        catch (Exception ex) when (GatewayProblems.TryCreate(ex, context, traceId, out var failure))
        {
            return failure;
        }
    }
}
