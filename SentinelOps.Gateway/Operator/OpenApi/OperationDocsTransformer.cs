using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SentinelOps.Gateway.Operator;
using SentinelOps.Gateway.Security;

namespace SentinelOps.Gateway.Operator.OpenApi;

/// <summary>
/// Fills each operation's summary, description, request body and examples from <see cref="OperationDocs"/>,
/// without overriding what an endpoint's mapping already says.
/// </summary>
internal sealed class OperationDocsTransformer : IOpenApiOperationTransformer
{
    private const string Json = "application/json";
    private const string ProblemJson = "application/problem+json";

    /// <inheritdoc/>
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        if (!OperationDocs.ByOperation.TryGetValue($"{description.HttpMethod} {description.RelativePath}", out var doc))
        {
            return;
        }

        operation.Summary ??= doc.Summary;
        operation.Description ??= doc.Description;

        if ((doc.RequestType is not null || doc.RequestExamples is not null)
            && (operation.RequestBody ??= new OpenApiRequestBody { Required = doc.RequestRequired }) is OpenApiRequestBody requestBody)
        {
            await DescribeRequestAsync(requestBody, doc, context, cancellationToken);
        }

        foreach (var (name, (headerDescription, values)) in doc.RequestHeaders ?? new Dictionary<string, (string, string[])>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Required = false,
                Description = headerDescription,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v)!)] },
            });
        }

        foreach (var (status, json) in doc.ResponseExamples ?? new Dictionary<int, string>())
        {
            operation.Responses ??= [];
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var response))
            {
                response = new OpenApiResponse { Description = ReasonOf(status) };
                operation.Responses[key] = response;
            }

            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            concrete.Content ??= new Dictionary<string, OpenApiMediaType>();
            var contentType = status >= 400 ? ProblemJson : Json;
            if (!concrete.Content.TryGetValue(contentType, out var media) && !concrete.Content.TryGetValue(Json, out media))
            {
                media = new OpenApiMediaType();
                concrete.Content[contentType] = media;
            }

            media.Example ??= JsonNode.Parse(json);
        }

        var metadata = description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<AdminOperation>().Any() || metadata.OfType<IAuthorizeData>().Any(a => a.Policy == ClientScopes.Admin))
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-sentinel-scope"] = new JsonNodeExtension(JsonValue.Create("admin"));
        }
    }

    // For endpoints that read their body by hand: the schema of the type they read, and the examples.
    private static async Task DescribeRequestAsync(
        OpenApiRequestBody requestBody, OperationDoc doc, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var body = requestBody.Content ??= new Dictionary<string, OpenApiMediaType>();
        if (!body.TryGetValue(Json, out var media))
        {
            media = new OpenApiMediaType();
            body[Json] = media;
        }

        if (media.Schema is null && doc.RequestType is not null)
        {
            media.Schema = await context.GetOrCreateSchemaAsync(doc.RequestType, cancellationToken: cancellationToken);
        }

        if (doc.RequestExamples is not null)
        {
            media.Examples ??= new Dictionary<string, IOpenApiExample>();
            foreach (var (name, json) in doc.RequestExamples)
            {
                media.Examples[name] = new OpenApiExample { Summary = name, Value = JsonNode.Parse(json) };
            }
        }
    }

    private static string ReasonOf(int status) => status switch
    {
        101 => "Switching Protocols: the WebSocket then carries one JSON message per event, like this example.",
        200 => "OK",
        400 => "The request is invalid; `errors` names each bad field.",
        404 => "Not found.",
        502 => "An upstream service failed.",
        503 => "No provider could answer.",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };
}
