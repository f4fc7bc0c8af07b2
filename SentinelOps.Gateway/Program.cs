using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Shared.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.AddSeedEnvironmentVariables();

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddOperatorServices();
builder.AddGatewaySecurity();
builder.AddProviderProbes();
builder.AddSystemEvents();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStatusPage();
app.UseClientSecurity();
app.UseWebSockets();
app.MapDefaultEndpoints();
app.MapChatApi();
app.MapOpenAiApi();
app.MapProvidersApi();
app.MapFaultsApi();
app.MapCircuitsApi();
app.MapApiReference();
app.MapAuthApi();
app.MapGatewayEventsApis();
app.MapProbeApi();
app.MapSystemEventsApi();

app.Run();
