using Scalar.AspNetCore;

namespace SentinelOps.Gateway.Operator;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and the interactive reference at <c>/docs</c>.</summary>
public static class ApiReferenceApi
{
    /// <summary>Where the OpenAPI documents are served.</summary>
    public const string DocumentPattern = "/openapi/{documentName}.json";

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        // Open even when client keys are configured: the description of the API is no secret, and people read it
        // before they have a key.
        app.MapOpenApi(DocumentPattern).AllowAnonymous();

        // Scalar serves its own script bundle from the package (embedded), so the reference works offline.
        // No default fonts (they come from Scalar's CDN), no hosted agent or MCP services, no toolbar of links to scalar.com.
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("Sentinel-Ops API reference")
            .WithOpenApiRoutePattern(DocumentPattern)
            .DisableDefaultFonts()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools())
            .AllowAnonymous();
        return app;
    }
}
