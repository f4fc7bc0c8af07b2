namespace SentinelOps.Gateway.Operator;

/// <summary>
/// Gives the API reference's paths their own Content-Security-Policy (see <see cref="ContentSecurityPolicies"/>) in place
/// of the gateway's strict one.
/// </summary>
/// <remarks>Set as the response starts, after the security headers middleware has set the strict policy, so this one wins.</remarks>
internal sealed class ApiReferencePolicyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (ContentSecurityPolicies.For(context.Request.Path) is not null)
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicies.For(http.Request.Path);
                return Task.CompletedTask;
            }, context);
        }

        return next(context);
    }
}
