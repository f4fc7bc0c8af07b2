using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SentinelOps.ServiceDefaults;
using SentinelOps.Simulator.Faults;

namespace SentinelOps.Simulator.Apis;

/// <summary>Switches faults on and off and reports request counts, for tests and the dashboard's commands.</summary>
internal static class ControlApi
{
    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/control").WithTags("Fault control");
        control.AddEndpointFilter(RequireControlKeyAsync);
        control.MapGet("/faults", (FaultInjector faults) => TypedResults.Ok(faults.GetStatus()));
        control.MapPut("/faults", SetFaultAsync);
        control.MapPost("/faults", SetFaultAsync);
        control.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Restore();
            return TypedResults.Ok(faults.GetStatus());
        });
        control.MapGet("/stats", (FaultInjector faults) => TypedResults.Ok(faults.GetStats()));
        control.MapDelete("/stats", (FaultInjector faults) =>
        {
            faults.ResetStats();
            return TypedResults.Ok(faults.GetStats());
        });
        return app;
    }

    // With Simulator:ControlKey set, only a caller holding it may inject faults or read and reset counters.
    private static async ValueTask<object?> RequireControlKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IOptions<SimulatorOptions>>().Value.ControlKey;
        if (string.IsNullOrEmpty(expected))
        {
            return await next(context);
        }

        var headers = context.HttpContext.Request.Headers;
        var presented = headers["x-api-key"] is [{ Length: > 0 } key] ? key
            : headers.Authorization is [{ } authorization] && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim()
            : null;
        if (presented is not null && CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            return await next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem("The control API needs the simulator's control key (x-api-key or Authorization: Bearer).",
            statusCode: StatusCodes.Status401Unauthorized, title: "Control key required");
    }

    private static async Task<Results<Ok<FaultStatus>, ValidationProblem>> SetFaultAsync(HttpRequest request, FaultInjector faults)
    {
        var (fault, problem) = await request.ReadJsonBodyAsync<FaultRequest>();
        if (problem is not null)
        {
            return problem;
        }

        var errors = fault!.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        faults.Set(fault);
        return TypedResults.Ok(faults.GetStatus());
    }
}
