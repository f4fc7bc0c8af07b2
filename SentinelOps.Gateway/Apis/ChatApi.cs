using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.ChatClients;
using SentinelOps.ServiceDefaults;

namespace SentinelOps.Gateway.Apis;

/// <summary>The seed API: <c>POST /api/chat</c>.</summary>
public static class ChatApi
{
    /// <summary>Maps the chat endpoints.</summary>
    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Chat");
        api.MapPost("/chat", ChatAsync);
        return app;
    }

    private static async Task<Results<Ok<ChatApiResponse>, ValidationProblem, ProblemHttpResult>> ChatAsync(
        HttpContext context, IChatClient chatClient, TimeProvider timeProvider)
    {
        var started = timeProvider.GetTimestamp();
        var (request, problem) = await context.Request.ReadJsonBodyAsync<ChatApiRequest>();
        if (problem is not null)
        {
            return problem;
        }

        var errors = request!.Validate();
        if (errors.Count > 0)
        {
            return GatewayProblems.Invalid(errors);
        }

        List<ChatMessage> messages = request.SystemPrompt is { Length: > 0 } system
            ? [new(ChatRole.System, system), new(ChatRole.User, request.Message)]
            : [new(ChatRole.User, request.Message)];
        var chatOptions = new ChatOptions { MaxOutputTokens = request.MaxTokens, Temperature = request.Temperature };
        var traceId = Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        try
        {
            var response = await chatClient.GetResponseAsync(messages, chatOptions, context.RequestAborted);
            var routing = ProviderRouting.From(response.AdditionalProperties)
                ?? throw new InvalidOperationException("The chat client did not record which provider answered.");
            return TypedResults.Ok(new ChatApiResponse(
                traceId,
                routing.Provider,
                response.ModelId,
                response.Text,
                Math.Round(timeProvider.GetElapsedTime(started).TotalMilliseconds, 1),
                "success",
                routing.FailoverOccurred,
                [.. routing.Failures.Select(f => f.Provider)],
                response.Usage?.TotalTokenCount));
        }
        catch (Exception ex) when (GatewayProblems.TryCreate(ex, context, traceId, out var failure))
        {
            return failure;
        }
    }
}
