using SentinelOps.Simulator.Faults;

namespace SentinelOps.Simulator.Apis;

/// <summary>What every chat request goes through, whichever protocol, before the protocol writes its answer.</summary>
internal static class ChatExchange
{
    /// <summary>
    /// Reads the request, applies the injected fault, and checks the body and the model, answering the client itself
    /// when any of them ends the exchange.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="faults">The simulator's fault state.</param>
    /// <param name="settings">The simulator's options.</param>
    /// <param name="timeProvider">Clock for added latency.</param>
    /// <param name="streamByDefault">Ollama streams unless told not to; OpenAI does not.</param>
    /// <param name="errorBody">The protocol's error body from status, message and field.</param>
    /// <param name="modelNotFound">The protocol's message for an unknown model.</param>
    /// <returns>The request and the fault still to act out while streaming, or <see langword="null"/> when answered.</returns>
    public static async Task<(ChatRequest Request, ActiveFault Fault)?> BeginAsync(
        HttpContext context,
        FaultInjector faults,
        SimulatorOptions settings,
        TimeProvider timeProvider,
        bool streamByDefault,
        Func<int, string, string?, object> errorBody,
        Func<string, string> modelNotFound)
    {
        var (request, field, error) = await ChatRequestReader.ReadAsync(context.Request.Body, streamByDefault, context.RequestAborted);

        // A provider that is down fails every request, well-formed or not; a healthy one checks the request first.
        var fault = faults.Admit(isChat: true, isStreaming: request?.Stream ?? false);
        if (await FaultResponder.TryRespondAsync(context, fault, errorBody, timeProvider))
        {
            return null;
        }

        if (request is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, errorBody(StatusCodes.Status400BadRequest, error!, field));
            return null;
        }

        if (request.Model != settings.EffectiveModel)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, errorBody(StatusCodes.Status404NotFound, modelNotFound(request.Model), "model"));
            return null;
        }

        return (request, fault);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }
}
