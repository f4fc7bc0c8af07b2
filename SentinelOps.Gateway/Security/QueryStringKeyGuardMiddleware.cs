using SentinelOps.Gateway.Apis;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// Refuses a request that carries a key in its URL (<c>?api_key=</c> and the like) with a 400 that says why, instead of
/// ignoring it: URLs end up in access logs, proxies and browser history, so such a key must be considered leaked.
/// </summary>
internal sealed class QueryStringKeyGuardMiddleware(RequestDelegate next)
{
    private static readonly string[] KeyParameters =
        ["api_key", "api-key", "apikey", "key", "x-api-key", "access_token", "token", "authorization", "bearer"];

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.QueryString.HasValue)
        {
            foreach (var name in KeyParameters)
            {
                if (context.Request.Query.ContainsKey(name))
                {
                    return GatewayProblems.Field(
                        StatusCodes.Status400BadRequest, "key-in-query", "Key in the URL", "query." + name,
                        $"Keys are accepted only in the 'Authorization: Bearer' or '{ApiKeyAuthenticationHandler.ApiKeyHeader}' header, never in the URL; "
                        + "treat a key sent this way as leaked and replace it.").ExecuteAsync(context);
                }
            }
        }

        return next(context);
    }
}
