using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddOperatorServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStatusPage();
app.MapDefaultEndpoints();
app.MapChatApi();
app.MapOpenAiApi();
app.MapProvidersApi();
app.MapFaultsApi();
app.MapCircuitsApi();
app.MapApiReference();

app.Run();
