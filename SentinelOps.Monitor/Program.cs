using SentinelOps.Monitor;
using SentinelOps.Shared.Configuration;
using SentinelOps.Shared.Json;

var builder = WebApplication.CreateBuilder(args);
builder.AddSeedEnvironmentVariables();

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.ConfigureHttpJsonOptions(options => SentinelJson.Configure(options.SerializerOptions));
builder.Services.AddHostedService<MonitorWorker>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
