namespace SentinelOps.Gateway.Operator.OpenApi;

/// <summary>What the API reference says about one operation, where its endpoint's mapping does not say it.</summary>
/// <param name="Summary">One line.</param>
/// <param name="Description">Markdown: behaviour, errors, how it relates to the rest.</param>
/// <param name="RequestType">The body's type, for endpoints that read their body by hand (so the schema still shows).</param>
/// <param name="RequestExamples">Example bodies by name, as JSON.</param>
/// <param name="ResponseExamples">Example answers by status code, as JSON.</param>
/// <param name="RequestRequired">Whether the body must be sent.</param>
/// <param name="RequestHeaders">Optional request headers the endpoint reads, by name: their description and allowed values.</param>
internal sealed record OperationDoc(
    string Summary,
    string Description,
    Type? RequestType = null,
    IReadOnlyDictionary<string, string>? RequestExamples = null,
    IReadOnlyDictionary<int, string>? ResponseExamples = null,
    bool RequestRequired = true,
    IReadOnlyDictionary<string, (string Description, string[] Values)>? RequestHeaders = null);
