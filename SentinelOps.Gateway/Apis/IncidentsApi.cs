using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Apis;

/// <summary><c>GET /api/incidents?limit=&amp;type=</c>: the newest incidents from the incident stream, newest first.</summary>
public static class IncidentsApi
{
    /// <summary>How many incidents are returned when <c>limit</c> is not given.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Incidents");
        api.MapGet("/incidents", GetIncidentsAsync);
        return app;
    }

    // limit and type arrive as strings so that every bad value gets a problem naming its field, not a binding failure.
    private static async Task<Results<JsonHttpResult<IncidentList>, ValidationProblem, ProblemHttpResult>> GetIncidentsAsync(
        HttpContext context, string? limit, string? type, [Microsoft.AspNetCore.Mvc.FromServices] IncidentReader? reader)
    {
        var errors = new Dictionary<string, string[]>();
        var count = DefaultLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > IncidentReader.MaxLimit))
        {
            errors["limit"] = [$"limit must be an integer from 1 to {IncidentReader.MaxLimit}."];
        }

        IncidentType? filter = null;
        if (type is not null)
        {
            if (IncidentTypeNames.TryParse(type, out var parsed))
            {
                filter = parsed;
            }
            else
            {
                errors["type"] = [$"type must be one of: {string.Join(", ", IncidentTypeNames.All)}."];
            }
        }

        if (errors.Count > 0)
        {
            return GatewayProblems.Invalid(errors);
        }

        // Not registered when no Redis is configured.
        if (reader is null)
        {
            return Unavailable(context, "No Redis is configured, so the gateway keeps no incident log.");
        }

        try
        {
            var incidents = await reader.GetLatestAsync(count, filter, context.RequestAborted);
            return TypedResults.Json(new IncidentList(incidents, incidents.Count), SentinelJson.Options);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Unavailable(context, "The incident log (Redis) is unreachable; incidents recorded meanwhile wait in the outbox.");
        }
    }

    private static ProblemHttpResult Unavailable(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Incident log unavailable",
            type: "https://sentinel-ops.dev/problems/incident-log-unavailable");
    }

    /// <summary>The response: incidents, newest first, and how many.</summary>
    public sealed record IncidentList(
        [property: JsonPropertyName("incidents")] IReadOnlyList<Incident> Incidents,
        [property: JsonPropertyName("count")] int Count);
}
