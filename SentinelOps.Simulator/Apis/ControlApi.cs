using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.ServiceDefaults;
using SentinelOps.Simulator.Faults;

namespace SentinelOps.Simulator.Apis;

/// <summary>Switches faults on and off and reports request counts, for tests and the dashboard's commands.</summary>
internal static class ControlApi
{
    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/control").WithTags("Fault control");
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
