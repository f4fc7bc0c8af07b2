using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// Adds the security headers to every response and a request id: a sane incoming <c>x-request-id</c> is kept (so a
/// caller can correlate), anything else is replaced by a fresh one.
/// </summary>
/// <remarks>The Content-Security-Policy is the configured strict one, except where <see cref="ContentSecurityPolicies"/> names another.</remarks>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options)
{
    /// <summary>The request id header.</summary>
    public const string RequestIdHeader = "x-request-id";

    private const int MaxRequestIdLength = 64;

    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues Deny = "DENY";
    private static readonly StringValues NoReferrer = "no-referrer";

    private readonly StringValues _contentSecurityPolicy = options.Value.ContentSecurityPolicy;

    public Task InvokeAsync(HttpContext context)
    {
        var policy = ContentSecurityPolicies.For(context.Request.Path) ?? _contentSecurityPolicy;
        var requestId = context.Request.Headers[RequestIdHeader] is [{ } incoming] && IsSane(incoming)
            ? incoming
            : context.TraceIdentifier;
        context.TraceIdentifier = requestId;

        // Set as the response starts, not now: UseExceptionHandler clears every header of a failed response before it
        // writes its 500, and that response needs them most.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = NoSniff;
            headers.XFrameOptions = Deny;
            headers["Referrer-Policy"] = NoReferrer;
            headers.ContentSecurityPolicy = policy;
            headers[RequestIdHeader] = requestId;
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static bool IsSane(string id) =>
        id.Length is > 0 and <= MaxRequestIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
