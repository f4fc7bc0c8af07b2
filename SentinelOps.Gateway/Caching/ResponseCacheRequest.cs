namespace SentinelOps.Gateway.Caching;

/// <summary>
/// What the response cache needs to know of the HTTP request it serves, and what it tells back: the caller's tenant
/// (the client key's name, part of every cache key) and whether the caller said <c>Cache-Control: no-store</c>. Set by
/// the endpoint on the request's async flow, only while the cache is enabled.
/// </summary>
public sealed class ResponseCacheRequest
{
    private static readonly AsyncLocal<ResponseCacheRequest?> CurrentRequest = new();

    private ResponseCacheRequest(string? tenant, bool noStore)
    {
        Tenant = tenant;
        NoStore = noStore;
    }

    /// <summary>The request being served on this async flow, if an endpoint began one.</summary>
    public static ResponseCacheRequest? Current => CurrentRequest.Value;

    /// <summary>Whose answers these are: a cached answer is only ever served to the same tenant.</summary>
    public string? Tenant { get; }

    /// <summary>The caller asked that its answer be neither taken from nor put in a cache.</summary>
    public bool NoStore { get; }

    /// <summary>Begins the request on the current async flow, when the response cache is enabled.</summary>
    public static void BeginIfEnabled(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.RequestServices?.GetService<Microsoft.Extensions.Options.IOptions<ResponseCacheOptions>>()?.Value.Enabled != true)
        {
            return;
        }

        var noStore = context.Request.Headers.CacheControl.ToString().Contains("no-store", StringComparison.OrdinalIgnoreCase);
        CurrentRequest.Value = new ResponseCacheRequest(context.User.Identity?.Name, noStore);
    }
}
