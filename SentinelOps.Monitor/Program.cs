using SentinelOps.Monitor.Extensions;
using SentinelOps.Shared.Configuration;
using SentinelOps.Shared.Json;

var builder = WebApplication.CreateBuilder(args);
builder.AddSeedEnvironmentVariables();

builder.AddServiceDefaults();
builder.AddProviderMonitoring();
builder.Services.ConfigureHttpJsonOptions(options => SentinelJson.Configure(options.SerializerOptions));

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
