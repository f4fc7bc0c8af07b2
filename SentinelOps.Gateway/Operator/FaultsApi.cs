using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.Routing;
using SentinelOps.ServiceDefaults;

namespace SentinelOps.Gateway.Operator;

/// <summary>
/// <c>GET/PUT/DELETE /api/providers/{name}/faults</c>: inject and clear faults on a simulated provider through the
/// gateway, so the status page's "Simulate outage" and "Restore" buttons need nothing but the gateway's address.
/// </summary>
/// <remarks>
/// Forwards to the simulator's <c>/control/faults</c> at the provider's <c>ControlEndpoint</c>. A real provider has none
/// and answers 404. The simulator validates the fault; its 400 comes back naming the field.
/// </remarks>
public static partial class FaultsApi
{
    /// <summary>The <see cref="HttpClient"/> configuration used to reach simulators' control APIs.</summary>
    public const string HttpClientName = "sentinel-fault-control";

    private static readonly ProviderFaultRequest Outage = new() { Mode = "error_503" };

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/providers/{name}").WithTags("Operations");
        api.MapGet("/faults", GetAsync);
        api.MapPut("/faults", SetAsync).AsAdminOperation();
        api.MapDelete("/faults", ClearAsync).AsAdminOperation();
        return app;
    }

    private static Task<Results<Ok<ProviderFaultStatus>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string name, ProviderChain chain, IHttpClientFactory httpClientFactory, CancellationToken cancellationToken) =>
        ForwardAsync(name, chain, httpClientFactory, HttpMethod.Get, body: null, cancellationToken);

    private static async Task<Results<Ok<ProviderFaultStatus>, ValidationProblem, ProblemHttpResult>> SetAsync(
        string name, HttpRequest request, ProviderChain chain, IHttpClientFactory httpClientFactory, ILoggerFactory loggers)
    {
        // No body means the status page's "Simulate outage": 503 on every call until restored.
        var fault = Outage;
        if (request.ContentLength > 0 || (request.ContentLength is null && request.HasJsonContentType()))
        {
            var (read, problem) = await request.ReadJsonBodyAsync<ProviderFaultRequest>();
            if (problem is not null)
            {
                return problem;
            }

            fault = read!;
        }

        var result = await ForwardAsync(name, chain, httpClientFactory, HttpMethod.Put, fault, request.HttpContext.RequestAborted);
        if (result.Result is Ok<ProviderFaultStatus>)
        {
            Log.FaultInjected(loggers.CreateLogger(typeof(FaultsApi).FullName!), name, fault.Mode ?? "(none)");
        }

        return result;
    }

    private static async Task<Results<Ok<ProviderFaultStatus>, ValidationProblem, ProblemHttpResult>> ClearAsync(
        string name, ProviderChain chain, IHttpClientFactory httpClientFactory, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var result = await ForwardAsync(name, chain, httpClientFactory, HttpMethod.Delete, body: null, cancellationToken);
        if (result.Result is Ok<ProviderFaultStatus>)
        {
            Log.FaultCleared(loggers.CreateLogger(typeof(FaultsApi).FullName!), name);
        }

        return result;
    }

    private static async Task<Results<Ok<ProviderFaultStatus>, ValidationProblem, ProblemHttpResult>> ForwardAsync(
        string name,
        ProviderChain chain,
        IHttpClientFactory httpClientFactory,
        HttpMethod method,
        ProviderFaultRequest? body,
        CancellationToken cancellationToken)
    {
        var provider = chain.Find(name);
        if (provider is null)
        {
            return OperatorProblems.UnknownProvider(name, chain.Providers.Select(p => p.Options));
        }

        if (provider.Options.ControlEndpoint is not { } control)
        {
            return OperatorProblems.NotFound(
                "no-fault-control",
                "The provider has no fault control",
                $"Provider '{provider.Name}' is a real provider, not a simulator: faults can only be injected into simulated providers.");
        }

        using var http = httpClientFactory.CreateClient(HttpClientName);
        using var message = new HttpRequestMessage(method, new Uri(control, "control/faults"));
        if (body is not null)
        {
            message.Content = JsonContent.Create(body);
        }

        try
        {
            using var response = await http.SendAsync(message, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var status = await response.Content.ReadFromJsonAsync<ProviderFaultStatus>(cancellationToken);
                return TypedResults.Ok(status! with { Provider = provider.Name });
            }

            if ((int)response.StatusCode == StatusCodes.Status400BadRequest
                && await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(cancellationToken) is { Errors.Count: > 0 } invalid)
            {
                return TypedResults.ValidationProblem(invalid.Errors, title: "The fault is invalid");
            }

            return OperatorProblems.BadGateway(provider.Name, $"its control API answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return OperatorProblems.BadGateway(provider.Name, ex is JsonException ? "its control API answered an unreadable body" : "its control API could not be reached");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Operator injected fault {Mode} into provider {Provider}")]
        public static partial void FaultInjected(ILogger logger, string provider, string mode);

        [LoggerMessage(2, LogLevel.Information, "Operator cleared the faults of provider {Provider}")]
        public static partial void FaultCleared(ILogger logger, string provider);
    }
}
