using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.ChatClients;

namespace SentinelOps.Gateway.Apis;

/// <summary>
/// The gateway's RFC 9457 problem responses. Each also carries an OpenAI-style <c>error</c> member, so OpenAI SDKs
/// pointed at the gateway surface the same message.
/// </summary>
internal static class GatewayProblems
{
    private const string TypeBase = "https://sentinel-ops.dev/problems/";

    /// <summary>Maps a failure of the provider chain to its problem response; false for anything else.</summary>
    public static bool TryCreate(Exception exception, HttpContext context, string traceId, out ProblemHttpResult problem)
    {
        switch (exception)
        {
            case ProvidersExhaustedException exhausted:
                if (exhausted.RetryAfter is { } wait)
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                problem = Create(
                    StatusCodes.Status503ServiceUnavailable,
                    "all-providers-failed",
                    "All providers failed",
                    $"None of the providers could answer: {string.Join("; ", exhausted.Failures.Select(f => $"{f.Provider}: {f.Error}"))}.",
                    traceId,
                    ("errors", exhausted.Failures),
                    ("failover_chain", exhausted.Failures.Select(f => f.Provider).ToArray()));
                return true;

            case ProviderRejectedRequestException rejected:
                problem = Create(
                    rejected.Failure.StatusCode is >= 400 and < 500 and var status ? status : StatusCodes.Status400BadRequest,
                    "request-rejected",
                    "The provider rejected the request",
                    $"Provider '{rejected.Failure.Provider}' answered {rejected.Failure.Error}; the request was not sent to other providers because they would reject it too.",
                    traceId,
                    ("errors", new[] { rejected.Failure }));
                return true;

            case RequestDeadlineExceededException deadline:
                problem = Create(
                    StatusCodes.Status504GatewayTimeout,
                    "deadline-exceeded",
                    "Request deadline exceeded",
                    deadline.Message,
                    traceId,
                    ("errors", deadline.Failures));
                return true;

            default:
                problem = null!;
                return false;
        }
    }

    /// <summary>A 400 naming each bad field, with the first as the OpenAI <c>error.param</c>.</summary>
    public static ValidationProblem Invalid(Dictionary<string, string[]> errors)
    {
        var (field, messages) = errors.First();
        return TypedResults.ValidationProblem(
            errors,
            title: "The request is invalid",
            type: TypeBase + "invalid-request",
            extensions: new Dictionary<string, object?>
            {
                ["error"] = new { message = $"{field}: {messages[0]}", type = "invalid_request_error", param = field, code = (string?)null },
            });
    }

    private static ProblemHttpResult Create(int status, string type, string title, string detail, string traceId, params (string Key, object Value)[] extensions)
    {
        var members = new Dictionary<string, object?>
        {
            ["trace_id"] = traceId,
            ["error"] = new { message = detail, type = status >= 500 ? "server_error" : "invalid_request_error", param = (string?)null, code = type },
        };
        foreach (var (key, value) in extensions)
        {
            members[key] = value;
        }

        return TypedResults.Problem(detail, statusCode: status, title: title, type: TypeBase + type, extensions: members);
    }
}
