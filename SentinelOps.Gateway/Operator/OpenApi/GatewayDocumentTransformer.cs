using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SentinelOps.Gateway.Operator.OpenApi;

/// <summary>The document's title and introduction, and the two ways a client key can be sent.</summary>
internal sealed class GatewayDocumentTransformer : IOpenApiDocumentTransformer
{
    /// <summary>The <c>x-api-key</c> header scheme's id.</summary>
    public const string ApiKeyScheme = "api_key";

    /// <summary>The <c>Authorization: Bearer</c> scheme's id.</summary>
    public const string BearerScheme = "bearer";

    /// <inheritdoc/>
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Sentinel-Ops gateway",
            Version = "v1",
            Description = """
                A self-healing gateway for LLM traffic: each chat request is routed through a chain of providers and fails
                over to the next the moment one fails. The seed API (`/api/...`) and an OpenAI-compatible API (`/v1/...`).

                **Live events**: `GET /ws/system-events` upgrades to a WebSocket whose messages are
                `{"event_type", "payload", "timestamp", "id"}` (`provider_status`, `incident`, `metrics`, `heartbeat`, `system`);
                reconnect with `?last_event_id=` to get missed incidents.

                **Keys**: with no client keys configured every endpoint is open. Otherwise send a key as `x-api-key` or
                `Authorization: Bearer`; chat endpoints need the `chat` scope, operational writes (marked
                `x-sentinel-scope: admin`) the `admin` scope. Health endpoints, the status page (`/`) and this reference are open.
                """,
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "x-api-key",
            Description = "A client key (only when client keys are configured).",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The same client key as a bearer token.",
        };

        // Either scheme, or none at all in open mode (the empty requirement).
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            new OpenApiSecurityRequirement(),
        ];
        return Task.CompletedTask;
    }
}
