using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Routing;
using SentinelOps.Gateway.Validation;

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

            case UnsendableRequestException unsendable:
                problem = Field(StatusCodes.Status400BadRequest, "invalid-request", "The request is invalid", "request", unsendable.Message);
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

    /// <summary>
    /// A 400 naming each bad field (at most <see cref="ValidationErrors.MaxKept"/>), with the total count and the first
    /// field as the OpenAI <c>error.param</c>.
    /// </summary>
    public static ValidationProblem Invalid(ValidationErrors errors)
    {
        var (field, messages) = errors.Kept.First();
        return TypedResults.ValidationProblem(
            errors.Kept,
            title: "The request is invalid",
            type: TypeBase + "invalid-request",
            extensions: new Dictionary<string, object?>
            {
                ["error_count"] = errors.Count,
                ["errors_truncated"] = errors.Count > errors.Kept.Count,
                ["error"] = new OpenAiError($"{field}: {messages[0]}", "invalid_request_error", field, null),
            });
    }

    /// <summary>A 400 naming each field of <paramref name="errors"/> (one message per field).</summary>
    public static ValidationProblem Invalid(Dictionary<string, string[]> errors)
    {
        var collected = new ValidationErrors();
        foreach (var (field, messages) in errors)
        {
            collected.Add(field, messages[0]);
        }

        return Invalid(collected);
    }

    /// <summary>A 400, 401, 403, 413, 415 or 429 naming the one <paramref name="field"/> at fault.</summary>
    public static ProblemHttpResult Field(int status, string type, string title, string field, string detail) =>
        TypedResults.Problem(
            detail,
            statusCode: status,
            title: title,
            type: TypeBase + type,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = new Dictionary<string, string[]> { [field] = [detail] },
                ["error"] = new OpenAiError(detail, status switch
                {
                    401 => "authentication_error",
                    403 => "permission_error",
                    429 => "rate_limit_error",
                    _ => "invalid_request_error",
                }, field, type),
            });

    /// <summary>413: the body is larger than the configured limit.</summary>
    public static ProblemHttpResult PayloadTooLarge(int maxBytes) => Field(
        StatusCodes.Status413PayloadTooLarge, "body-too-large", "The request body is too large", "body",
        string.Create(CultureInfo.InvariantCulture, $"The body may be at most {maxBytes} bytes."));

    /// <summary>415: the body is not declared as JSON.</summary>
    public static ProblemHttpResult UnsupportedMediaType(string? contentType) => Field(
        StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type", "content-type",
        contentType is null
            ? "Send the body as application/json (no Content-Type header was sent)."
            : "Send the body as application/json (UTF-8); this one was declared as another type.");

    private static ProblemHttpResult Create(int status, string type, string title, string detail, string traceId, params (string Key, object Value)[] extensions)
    {
        var members = new Dictionary<string, object?>
        {
            ["trace_id"] = traceId,
            ["error"] = new OpenAiError(detail, status >= 500 ? "server_error" : "invalid_request_error", null, type),
        };
        foreach (var (key, value) in extensions)
        {
            members[key] = value;
        }

        return TypedResults.Problem(detail, statusCode: status, title: title, type: TypeBase + type, extensions: members);
    }

    /// <summary>The OpenAI-style <c>error</c> member, so OpenAI SDKs show the message.</summary>
    private sealed record OpenAiError(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("param")] string? Param,
        [property: JsonPropertyName("code")] string? Code);
}
