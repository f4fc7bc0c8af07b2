using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.ChatClients;

namespace SentinelOps.Gateway.Apis;

/// <summary>The gateway's RFC 9457 problem responses.</summary>
internal static class GatewayProblems
{
    public static ProblemHttpResult AllProvidersFailed(IReadOnlyList<ProviderFailure> failures, string traceId) => TypedResults.Problem(
        title: "All providers failed",
        detail: $"None of the {failures.Count} configured providers could answer: "
            + string.Join("; ", failures.Select(f => $"{f.Provider}: {f.Error}")) + ".",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        type: "https://sentinel-ops.dev/problems/all-providers-failed",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = failures,
            ["failover_chain"] = failures.Select(f => f.Provider).ToArray(),
            ["trace_id"] = traceId,
        });

    public static ProblemHttpResult RequestRejected(ProviderFailure failure, string traceId) => TypedResults.Problem(
        title: "The provider rejected the request",
        detail: $"Provider '{failure.Provider}' answered {failure.Error}; the request was not sent to other providers because they would reject it too.",
        statusCode: StatusCodes.Status400BadRequest,
        type: "https://sentinel-ops.dev/problems/request-rejected",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = new[] { failure },
            ["trace_id"] = traceId,
        });

    public static ProblemHttpResult DeadlineExceeded(TimeSpan timeout, string traceId) => TypedResults.Problem(
        title: "Request deadline exceeded",
        detail: $"No provider answered within the request deadline of {timeout.TotalSeconds:0.#} s.",
        statusCode: StatusCodes.Status504GatewayTimeout,
        type: "https://sentinel-ops.dev/problems/deadline-exceeded",
        extensions: new Dictionary<string, object?> { ["trace_id"] = traceId });
}
