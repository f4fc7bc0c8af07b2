using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SentinelOps.Shared.Configuration;

/// <summary>
/// Reads the seed's environment variables from configuration (where environment variables and command-line
/// arguments land), checks each and converts it to what our structured settings expect. Every problem is collected,
/// so one start-up error names every bad variable at once.
/// </summary>
/// <remarks>Messages never repeat a URL or a key: a URL may hold a password.</remarks>
public sealed class SeedVariableReader
{
    private readonly IConfiguration _configuration;
    private readonly List<string> _errors = [];

    /// <summary>Creates a reader over <paramref name="configuration"/>.</summary>
    public SeedVariableReader(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
    }

    /// <summary>The problems found so far, one sentence each, naming the variable.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The variable's value without surrounding spaces; <see langword="null"/> when unset or empty.</summary>
    public string? Text(string variable) => _configuration[variable] is { } value && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    /// <summary>The variable as an absolute http(s) URL; <see langword="null"/> when unset or invalid (then an error is recorded).</summary>
    public Uri? HttpUrl(string variable)
    {
        if (Text(variable) is not { } value)
        {
            return null;
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        _errors.Add($"{variable} must be an absolute http:// or https:// URL.");
        return null;
    }

    /// <summary><c>REDIS_URL</c> as a StackExchange.Redis connection string; <see langword="null"/> when unset or invalid.</summary>
    public string? RedisConnectionString()
    {
        if (Text(SeedEnvironmentVariables.RedisUrl) is not { } url)
        {
            return null;
        }

        if (RedisUrlConverter.TryToConnectionString(url, out var connectionString, out var error))
        {
            return connectionString;
        }

        _errors.Add($"{SeedEnvironmentVariables.RedisUrl} {error}.");
        return null;
    }

    /// <summary><c>APP_ENV</c>, parsed; <see cref="AppEnvironment.Production"/> when unset or invalid (then an error is recorded).</summary>
    public AppEnvironment ReadAppEnvironment()
    {
        try
        {
            return AppEnvironment.Parse(_configuration[AppEnvironment.VariableName]);
        }
        catch (InvalidOperationException ex)
        {
            _errors.Add(ex.Message);
            return AppEnvironment.Production;
        }
    }

    /// <summary>
    /// The tuning variables that are set, as structured key → value (<c>CIRCUIT_BREAKER_RECOVERY_TIMEOUT=30</c> →
    /// <c>Gateway:CircuitBreaker:BreakDuration = 00:00:30</c>).
    /// </summary>
    public Dictionary<string, string> TuningSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key, isDuration) in SeedEnvironmentVariables.Tuning)
        {
            if (Text(variable) is not { } value)
            {
                continue;
            }

            if (isDuration)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 86_400)
                {
                    settings[key] = TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);
                }
                else
                {
                    _errors.Add($"{variable} must be a number of seconds greater than 0 and at most 86400 (got '{value}').");
                }
            }
            else if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1)
            {
                settings[key] = count.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                _errors.Add($"{variable} must be a whole number of at least 1 (got '{value}').");
            }
        }

        return settings;
    }

    /// <summary>Stops start-up when any variable read so far was malformed.</summary>
    /// <exception cref="InvalidOperationException">Naming every bad variable.</exception>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid environment: " + string.Join(" ", _errors));
        }
    }
}
