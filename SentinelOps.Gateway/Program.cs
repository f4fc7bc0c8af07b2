using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGatewaySecurity();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseClientSecurity();
app.MapDefaultEndpoints();
app.MapChatApi();
app.MapOpenAiApi();
app.MapProvidersApi();
app.MapAuthApi();

app.Run();
