using System.Text.Json;
using System.Text.Json.Serialization;

namespace SentinelOps.Shared.Json;

/// <summary>
/// The one JSON naming rule of every Sentinel-Ops API, event and Redis entry: snake_case members and lowercase
/// snake_case enum values (<c>half_open</c>, <c>provider_down</c>), as the seed API writes them.
/// </summary>
public static class SentinelJson
{
    /// <summary>Shared, read-only options for serializing events, incidents and API bodies outside ASP.NET Core.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the naming rule to <paramref name="options"/> (used for ASP.NET Core's HTTP JSON options too).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }
}
