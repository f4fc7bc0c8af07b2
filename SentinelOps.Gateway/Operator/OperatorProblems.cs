using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Gateway.Operator;

/// <summary>RFC 9457 problems of the operational endpoints.</summary>
internal static class OperatorProblems
{
    private const string TypeBase = "https://sentinel-ops.dev/problems/";

    /// <summary>404 naming the unknown provider (field <c>name</c>) and the configured ones.</summary>
    public static ProblemHttpResult UnknownProvider(string name, IEnumerable<ProviderOptions> configured) => TypedResults.Problem(
        $"No provider is called '{name}', and no single provider is of that kind. Configured: "
            + string.Join(", ", configured.Select(p => $"{p.Name} ({p.Kind.ToString().ToLowerInvariant()})")) + ".",
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown provider",
        type: TypeBase + "unknown-provider",
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = ["No such provider."] } });

    /// <summary>A 404 problem.</summary>
    public static ProblemHttpResult NotFound(string type, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title, type: TypeBase + type);

    /// <summary>502: a simulator's control API failed.</summary>
    public static ProblemHttpResult BadGateway(string provider, string reason) => TypedResults.Problem(
        $"Could not change the faults of provider '{provider}': {reason}.",
        statusCode: StatusCodes.Status502BadGateway,
        title: "Fault control failed",
        type: TypeBase + "fault-control-failed");
}
