using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

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
