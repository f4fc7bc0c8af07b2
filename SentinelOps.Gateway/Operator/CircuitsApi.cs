using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Gateway.Operator;

/// <summary>
/// <c>POST /api/providers/circuits/reset</c>: closes every provider's circuit, so traffic returns to a mended provider
/// at once instead of at the end of its break (the Aspire dashboard's "Reset circuits" command calls it).
/// </summary>
public static partial class CircuitsApi
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapCircuitsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/providers/circuits").WithTags("Operations")
            .MapPost("/reset", Reset)
            .AsAdminOperation();
        return app;
    }

    private static Ok<CircuitResetResponse> Reset(ProviderHealthUpdater health, ILoggerFactory loggers)
    {
        var circuits = health.ResetAll("reset by an operator")
            .ToDictionary(c => c.Key, c => new CircuitReset(c.Value.Before, c.Value.After));

        Log.CircuitsReset(loggers.CreateLogger(typeof(CircuitsApi).FullName!), circuits.Count(c => c.Value.PreviousState != CircuitState.Closed));
        return TypedResults.Ok(new CircuitResetResponse(circuits));
    }

    /// <summary>The answer of a reset: each provider's circuit before and after.</summary>
    public sealed record CircuitResetResponse(
        [property: JsonPropertyName("circuits")] IReadOnlyDictionary<string, CircuitReset> Circuits);

    /// <summary>One provider's circuit before and after the reset.</summary>
    public sealed record CircuitReset(
        [property: JsonPropertyName("previous_state")] CircuitState PreviousState,
        [property: JsonPropertyName("state")] CircuitState State);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Operator reset the provider circuits; {Closed} were not closed")]
        public static partial void CircuitsReset(ILogger logger, int closed);
    }
}
