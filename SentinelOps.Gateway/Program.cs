using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddOperatorServices();
builder.AddProviderProbes();
builder.AddSystemEvents();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStatusPage();
app.UseWebSockets();
app.MapDefaultEndpoints();
app.MapChatApi();
app.MapOpenAiApi();
app.MapProvidersApi();
app.MapFaultsApi();
app.MapCircuitsApi();
app.MapApiReference();
app.MapGatewayEventsApis();
app.MapProbeApi();
app.MapSystemEventsApi();

app.Run();
