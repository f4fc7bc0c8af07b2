namespace SentinelOps.AppHost.Configuration;

/// <summary>Chooses the services' console log format (<c>LOG_FORMAT</c>, read by the service defaults).</summary>
internal static class LogFormatBuilderExtensions
{
    private const string LogFormat = "LOG_FORMAT";

    /// <summary>
    /// Passes the AppHost's <c>LOG_FORMAT</c> to <paramref name="service"/> when set; otherwise JSON in a published
    /// manifest (a cloud's log store indexes the fields, as with the seed's JSON logs) and the services' default, plain
    /// text, when running here, where the dashboard already shows structured logs over OpenTelemetry.
    /// </summary>
    public static IResourceBuilder<T> WithLogFormat<T>(this IResourceBuilder<T> service)
        where T : IResourceWithEnvironment
    {
        var format = service.ApplicationBuilder.Configuration[LogFormat] is { Length: > 0 } configured ? configured
            : service.ApplicationBuilder.ExecutionContext.IsPublishMode ? "json"
            : null;
        return format is null ? service : service.WithEnvironment(LogFormat, format);
    }
}
