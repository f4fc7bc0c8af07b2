using SentinelOps.Shared.Probing;

namespace SentinelOps.Gateway.Extensions;

/// <summary>Registers on-demand provider probes: the monitor's prober and health options (section <c>Monitor</c>).</summary>
internal static class ProviderProbeExtensions
{
    public static IHostApplicationBuilder AddProviderProbes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProviderHealthOptions>()
            .BindConfiguration(ProviderHealthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddProviderProber();
        return builder;
    }
}
