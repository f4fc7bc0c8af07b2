using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SentinelOps.Shared.Json;
using SentinelOps.Simulator.Apis;
using SentinelOps.Simulator.Faults;

namespace SentinelOps.Simulator;

/// <summary>Registers and maps the simulator.</summary>
public static class SimulatorExtensions
{
    /// <summary>Adds the simulator's options, fault state and clock.</summary>
    public static IHostApplicationBuilder AddSimulator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.ConfigureHttpJsonOptions(options => SentinelJson.Configure(options.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FaultInjector>();
        return builder;
    }

    /// <summary>Maps the control API and the configured provider protocol.</summary>
    public static WebApplication MapSimulator(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapControlApi();
        if (app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Protocol == SimulatorProtocol.OpenAI)
        {
            app.MapOpenAiApi();
        }
        else
        {
            app.MapOllamaApi();
        }

        return app;
    }
}
