using System.Text.Json;

namespace SentinelOps.Simulator.Apis;

/// <summary>Writes OpenAI-style server-sent events: <c>data: {json}</c> frames ending with <c>data: [DONE]</c>.</summary>
internal sealed class ServerSentEventWriter
{
    private readonly HttpResponse _response;

    public ServerSentEventWriter(HttpResponse response)
    {
        _response = response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
    }

    public async Task WriteAsync(object payload, CancellationToken cancellationToken)
    {
        await _response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        await _response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
