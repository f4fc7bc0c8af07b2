using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.Providers;

namespace SentinelOps.Gateway.Operator;

/// <summary>RFC 9457 problems of the operational endpoints.</summary>
internal static class OperatorProblems
{
    private const string TypeBase = "https://sentinel-ops.dev/problems/";

    /// <summary>404 naming the unknown provider and the configured ones.</summary>
    public static ProblemHttpResult UnknownProvider(string name, ProviderChain chain) => NotFound(
        "unknown-provider",
        "Unknown provider",
        $"No provider is called '{name}'. Configured: {string.Join(", ", chain.Providers.Select(p => p.Name))}.");

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
