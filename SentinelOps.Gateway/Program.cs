using SentinelOps.Gateway.Extensions;
using SentinelOps.Shared.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.AddSeedEnvironmentVariables();
builder.AddGatewayServices();

var app = builder.Build();
app.UseGatewayPipeline();
app.MapGatewayEndpoints();

app.Run();
