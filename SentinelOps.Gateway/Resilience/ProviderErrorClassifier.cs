using System.ClientModel;
using System.Globalization;
using System.Net;
using OllamaSharp.Models.Exceptions;

namespace SentinelOps.Gateway.Resilience;

/// <summary>How the gateway should treat a provider's error.</summary>
public enum ProviderErrorKind
{
    /// <summary>
    /// The provider is unwell or unusable (5xx, 408, 429, timeout, connection failure, bad response, open circuit, and
    /// 401, 402, 403 and 404, which mean its key, account or model is wrong): try elsewhere.
    /// </summary>
    ProviderFault,

    /// <summary>The request itself was refused (400, 413, 422 and other 4xx): another provider would refuse it too, so return it.</summary>
    RequestRejected,

    /// <summary>
    /// The request failed before any byte of it left the gateway (<see cref="UnsendableRequestException"/>): the
    /// provider never saw it, so it is the request's fault alone.
    /// </summary>
    RequestUnsendable,
}

/// <summary>Decides whether a provider's exception is the provider's fault or the request's, and describes it safely.</summary>
public static class ProviderErrorClassifier
{
    /// <summary>Classifies <paramref name="exception"/>.</summary>
    public static ProviderErrorKind Classify(Exception exception) => exception switch
    {
        UnsendableRequestException => ProviderErrorKind.RequestUnsendable,
        _ when StatusCode(exception) is { } status and >= 400 and < 500 and not (401 or 402 or 403 or 404 or 408 or 429) => ProviderErrorKind.RequestRejected,
        _ => ProviderErrorKind.ProviderFault,
    };

    /// <summary>
    /// Whether trying the same provider again soon could succeed: 408, 429, 5xx, connection failures and unreadable
    /// responses. Not an open circuit, not a wrong key, account or model, and not an attempt that hit its timeout or
    /// stalled after its first token: a provider that hung once would most likely cost the same wait again, while the
    /// next provider is ready now.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        CircuitOpenException or AttemptTimeoutException or StreamStalledException or AttemptIsolatedException or UnsendableRequestException => false,
        _ when StatusCode(exception) is { } status => status is 408 or 429 or >= 500,
        _ => true,
    };

    /// <summary>The HTTP status the provider answered with, if the exception carries one.</summary>
    /// <remarks>
    /// OllamaSharp reports Ollama's 400 as a bare <see cref="OllamaException"/> (or its
    /// <see cref="ModelDoesNotSupportToolsException"/>) that carries the body as its message and no status, and every
    /// other status as an <see cref="HttpRequestException"/>. Its <see cref="ResponseError"/>, an error line inside a
    /// stream, is the provider failing mid-answer and has no status.
    /// </remarks>
    public static int? StatusCode(Exception exception) => exception switch
    {
        ClientResultException { Status: > 0 } clientResult => clientResult.Status,
        HttpRequestException { StatusCode: { } status } => (int)status,
        ResponseError or UnsendableRequestException => null,
        OllamaException => (int)HttpStatusCode.BadRequest,
        _ => exception.InnerException is { } inner ? StatusCode(inner) : null,
    };

    /// <summary>The delay the provider asked for with <c>Retry-After</c>, when its client exposes the header, at most <paramref name="max"/>.</summary>
    /// <param name="exception">The provider's error.</param>
    /// <param name="now">The time an HTTP-date is measured from.</param>
    /// <param name="max">The longest delay reported: a longer ask, however large (<c>Infinity</c>, <c>1e400</c>, a far-off date), is reported as this.</param>
    /// <returns><see langword="null"/> when there is no usable header (absent, negative, <c>NaN</c>, unreadable).</returns>
    public static TimeSpan? RetryAfter(Exception exception, DateTimeOffset now, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, TimeSpan.Zero);
        if (exception is not ClientResultException clientResult
            || clientResult.GetRawResponse()?.Headers is not { } headers
            || !headers.TryGetValue("Retry-After", out var value)
            || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            // Compared before converting: TimeSpan.FromSeconds throws on infinity, NaN and anything past ~29 000 years.
            return double.IsNaN(seconds) || seconds < 0 ? null
                : seconds < max.TotalSeconds ? TimeSpan.FromSeconds(seconds)
                : max;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? TimeSpan.FromTicks(Math.Min((date - now).Ticks, max.Ticks)) : TimeSpan.Zero)
            : null;
    }

    /// <summary>
    /// A one-line description that names what went wrong without echoing the provider's response body or any
    /// header, either of which may carry a key.
    /// </summary>
    public static string Describe(Exception exception) => StatusCode(exception) is { } status
        ? $"HTTP {status} ({ReasonPhrase(status)})"
        : exception switch
        {
            CircuitOpenException open => open.Reason,
            AttemptTimeoutException or StreamStalledException or AttemptIsolatedException or MalformedResponseException or UnsendableRequestException => exception.Message,
            TimeoutException or TaskCanceledException => "timed out",
            HttpRequestException { HttpRequestError: var error } when error != HttpRequestError.Unknown => $"connection failed ({error})",
            HttpRequestException => "connection failed",
            IOException => "connection failed (stream interrupted)",
            System.Text.Json.JsonException => "malformed response",
            _ when exception.InnerException is { } inner => Describe(inner),
            _ => exception.GetType().Name,
        };

    private static string ReasonPhrase(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "Unknown";
}
