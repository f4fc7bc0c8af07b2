using SentinelOps.Monitor.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProviderMonitoring();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
