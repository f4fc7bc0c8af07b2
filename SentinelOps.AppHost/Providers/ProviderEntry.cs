namespace SentinelOps.AppHost.Providers;

/// <summary>One entry of the provider chain handed to the gateway and the monitor.</summary>
/// <param name="Name">Provider name.</param>
/// <param name="Kind"><c>OpenAI</c> or <c>Ollama</c>.</param>
/// <param name="Endpoint">Base URL (for OpenAI, including <c>/v1</c>).</param>
/// <param name="Model">Model to call.</param>
/// <param name="ApiKey">Secret parameter holding the key, if the provider needs one.</param>
/// <param name="ControlEndpoint">A simulator's root URL, whose <c>/control/faults</c> the gateway forwards operators' faults to.</param>
internal sealed record ProviderEntry(
    string Name,
    string Kind,
    ReferenceExpression Endpoint,
    string Model,
    IResourceBuilder<ParameterResource>? ApiKey = null,
    ReferenceExpression? ControlEndpoint = null);
