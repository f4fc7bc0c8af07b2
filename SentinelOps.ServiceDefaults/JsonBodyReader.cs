using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SentinelOps.ServiceDefaults;

/// <summary>Reads a JSON request body so that a wrong value is reported against its field (RFC 9457), never as a bare 400 or a 500.</summary>
public static class JsonBodyReader
{
    /// <summary>Reads the body as <typeparamref name="T"/>.</summary>
    /// <returns>The value, or a validation problem naming the field that could not be read.</returns>
    public static async Task<(T? Value, ValidationProblem? Problem)> ReadJsonBodyAsync<T>(this HttpRequest request)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var value = await request.ReadFromJsonAsync<T>(request.HttpContext.RequestAborted);
            return value is null ? (null, Problem("body", "A JSON object is required.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, Problem(field, field == "body" ? "The body is not valid JSON." : "The value has the wrong type or is not one of the allowed values."));
        }
        catch (InvalidOperationException ex) when (!request.HasJsonContentType())
        {
            return (null, Problem("body", "Send the body as application/json. " + ex.Message));
        }
    }

    /// <summary>A validation problem for one field.</summary>
    public static ValidationProblem Problem(string field, string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] });
}
