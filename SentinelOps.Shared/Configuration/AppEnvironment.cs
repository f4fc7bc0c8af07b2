using Microsoft.Extensions.Configuration;

namespace SentinelOps.Shared.Configuration;

/// <summary>
/// The deployment stage a service runs in, from the seed's <c>APP_ENV</c> variable: <c>development</c>, <c>staging</c>
/// or <c>production</c>. Unset means <c>production</c>, as the seed says, so a forgotten variable never relaxes security.
/// </summary>
/// <remarks>
/// Independent of ASP.NET Core's <c>ASPNETCORE_ENVIRONMENT</c>, which picks configuration files and developer pages;
/// <c>APP_ENV</c> is the product's own switch (e.g. whether open access without client keys is acceptable). Read it with
/// <see cref="From"/> where a decision depends on it; it is not registered as a service.
/// </remarks>
public sealed class AppEnvironment
{
    /// <summary>The variable (and configuration key) it is read from.</summary>
    public const string VariableName = "APP_ENV";

    private AppEnvironment(string name) => Name = name;

    /// <summary>A developer's machine (the AppHost passes this in run mode unless <c>APP_ENV</c> is set).</summary>
    public static AppEnvironment Development { get; } = new("development");

    /// <summary>A pre-production deployment.</summary>
    public static AppEnvironment Staging { get; } = new("staging");

    /// <summary>Production: the default.</summary>
    public static AppEnvironment Production { get; } = new("production");

    /// <summary>The lowercase name: <c>development</c>, <c>staging</c> or <c>production</c>.</summary>
    public string Name { get; }

    /// <summary>Whether this is <see cref="Development"/>.</summary>
    public bool IsDevelopment => ReferenceEquals(this, Development);

    /// <summary>Whether this is <see cref="Staging"/>.</summary>
    public bool IsStaging => ReferenceEquals(this, Staging);

    /// <summary>Whether this is <see cref="Production"/>.</summary>
    public bool IsProduction => ReferenceEquals(this, Production);

    /// <summary>Parses an <c>APP_ENV</c> value, ignoring case and surrounding spaces; empty or absent is <see cref="Production"/>.</summary>
    /// <exception cref="InvalidOperationException">Any other value: a start-up error naming <c>APP_ENV</c>.</exception>
    public static AppEnvironment Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => Production,
        "development" => Development,
        "staging" => Staging,
        "production" => Production,
        _ => throw new InvalidOperationException($"{VariableName} must be development, staging or production (got '{value}')."),
    };

    /// <summary>Reads <c>APP_ENV</c> from <paramref name="configuration"/> (environment variables are part of it).</summary>
    /// <exception cref="InvalidOperationException">The value is not one of the three names.</exception>
    public static AppEnvironment From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Parse(configuration[VariableName]);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
