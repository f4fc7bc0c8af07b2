using SentinelOps.Monitor;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<MonitorWorker>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
