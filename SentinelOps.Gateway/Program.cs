using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Shared.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.AddSeedEnvironmentVariables();

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapChatApi();
app.MapOpenAiApi();
app.MapProvidersApi();
app.MapGatewayEventsApis();

app.Run();
