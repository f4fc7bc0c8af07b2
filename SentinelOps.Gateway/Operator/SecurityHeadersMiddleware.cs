namespace SentinelOps.Gateway.Operator;

/// <summary>Adds the Content-Security-Policy of the path (see <see cref="ContentSecurityPolicies"/>) and a few browser hardening headers.</summary>
/// <remarks>Headers are set as the response starts, so error responses written later in the pipeline carry them too.</remarks>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicies.For(http.Request.Path);
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
