using Microsoft.Extensions.Options;

namespace SentinelOps.Simulator.Faults;

/// <summary>Acts out the faults that strike before a response starts.</summary>
internal static class FaultResponder
{
    /// <summary>Applies <paramref name="fault"/> to the exchange.</summary>
    /// <param name="context">The request.</param>
    /// <param name="fault">The fault decided for it.</param>
    /// <param name="errorBody">Builds the protocol's error body from a status code, a message and the field at fault.</param>
    /// <param name="timeProvider">Clock for added latency.</param>
    /// <returns><see langword="true"/> when the fault has ended the exchange; <see langword="false"/> to answer normally.</returns>
    public static async Task<bool> TryRespondAsync(
        HttpContext context, ActiveFault fault, Func<int, string, string?, object> errorBody, TimeProvider timeProvider)
    {
        switch (fault.Mode)
        {
            case FaultMode.Error500:
                await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "Simulated internal server error", errorBody);
                return true;

            case FaultMode.Error503:
                await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "Simulated outage: service unavailable", errorBody);
                return true;

            case FaultMode.RateLimited:
                context.Response.Headers.RetryAfter = ((int)fault.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, "Simulated rate limit reached", errorBody);
                return true;

            case FaultMode.Latency:
                await Task.Delay(fault.Latency, timeProvider, context.RequestAborted);
                return false;

            case FaultMode.Hang:
                return !await WaitForReleaseAsync(context, fault);

            case FaultMode.ConnectionReset:
                context.Abort();
                return true;

            case FaultMode.MalformedBody:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"id\": \"broken", context.RequestAborted);
                return true;

            default:
                return false;
        }
    }

    /// <summary>Holds the exchange until the fault is cleared (true) or the client gives up (false).</summary>
    public static async Task<bool> WaitForReleaseAsync(HttpContext context, ActiveFault fault)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, fault.Released);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, linked.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return !context.RequestAborted.IsCancellationRequested;
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message, Func<int, string, string?, object> errorBody)
    {
        context.Response.StatusCode = status;
        if (context.RequestServices.GetRequiredService<IOptions<SimulatorOptions>>().Value.EchoAuthorizationInErrors)
        {
            message += $" (received Authorization: {context.Request.Headers.Authorization})";
        }

        return context.Response.WriteAsJsonAsync(errorBody(status, message, null), context.RequestAborted);
    }
}
