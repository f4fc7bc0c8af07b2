using Microsoft.Extensions.Options;

namespace SentinelOps.Gateway.Resilience.SharedCircuits;

/// <summary>Registers circuits shared across replicas (<see cref="SharedCircuitsService"/>) and this replica's name.</summary>
internal static class SharedCircuitsExtensions
{
    /// <summary>Adds <see cref="SharedCircuitsOptions"/>, <see cref="ReplicaIdentity"/> and <see cref="SharedCircuitsService"/>.</summary>
    public static IHostApplicationBuilder AddSharedCircuits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SharedCircuitsOptions>()
            .BindConfiguration(SharedCircuitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(services => ReplicaIdentity.Resolve(
            services.GetRequiredService<IOptions<SharedCircuitsOptions>>().Value.ReplicaId,
            builder.Configuration["OTEL_SERVICE_NAME"],
            builder.Configuration["OTEL_RESOURCE_ATTRIBUTES"]));
        builder.Services.AddHostedService<SharedCircuitsService>();
        return builder;
    }
}
