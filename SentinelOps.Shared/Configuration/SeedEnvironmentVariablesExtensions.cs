using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace SentinelOps.Shared.Configuration;

/// <summary>Makes a service honour the seed's environment variables.</summary>
public static class SeedEnvironmentVariablesExtensions
{
    /// <summary>
    /// Maps the seed's environment variables (<c>REDIS_URL</c>, <c>CIRCUIT_BREAKER_FAILURE_THRESHOLD</c>, …) onto the
    /// structured settings they stand for, where those are not set (see <see cref="SeedEnvironmentVariables"/>), and checks
    /// <c>APP_ENV</c> (read where needed with <see cref="AppEnvironment.From"/>). Call it first in <c>Program.cs</c>, before
    /// anything reads configuration.
    /// </summary>
    /// <exception cref="InvalidOperationException">A variable is malformed: start-up stops with a message naming it.</exception>
    public static TBuilder AddSeedEnvironmentVariables<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = SeedEnvironmentVariables.ForService(builder.Configuration);
        if (settings.Count > 0)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        return builder;
    }
}
