using SentinelOps.Shared.Configuration;
using StackExchange.Redis;

namespace SentinelOps.Tests.Shared.Configuration;

/// <summary>REDIS_URL as the seed writes it becomes a StackExchange.Redis connection string that means the same.</summary>
public sealed class RedisUrlConverterTests
{
    [Theory]
    [InlineData("redis://localhost:6379/0", "localhost:6379,defaultDatabase=0,abortConnect=false")]
    [InlineData("redis://cache.internal", "cache.internal:6379,abortConnect=false")]
    [InlineData("redis://:s3cret@cache:6380/2", "cache:6380,password=s3cret,defaultDatabase=2,abortConnect=false")]
    [InlineData("redis://app:p%40ss@cache:6379", "cache:6379,user=app,password=p@ss,abortConnect=false")]
    [InlineData("rediss://:key@my.redis.cache.windows.net:6380/0", "my.redis.cache.windows.net:6380,password=key,defaultDatabase=0,ssl=true,abortConnect=false")]
    public void AValidUrl_BecomesTheEquivalentConnectionString(string url, string expected)
    {
        Assert.True(RedisUrlConverter.TryToConnectionString(url, out var connectionString, out _));

        Assert.Equal(expected, connectionString);
    }

    [Fact]
    public void TheConnectionString_IsUnderstoodByStackExchangeRedis()
    {
        RedisUrlConverter.TryToConnectionString("rediss://app:pw@cache:6390/3", out var connectionString, out _);

        var options = ConfigurationOptions.Parse(connectionString);

        Assert.Equal("cache:6390", options.EndPoints.Single().ToString()?.Replace("Unspecified/", string.Empty, StringComparison.Ordinal));
        Assert.Equal("app", options.User);
        Assert.Equal("pw", options.Password);
        Assert.Equal(3, options.DefaultDatabase);
        Assert.True(options.Ssl);
        Assert.False(options.AbortOnConnectFail);
    }

    [Theory]
    [InlineData("localhost:6379")]
    [InlineData("http://localhost:6379")]
    [InlineData("redis://localhost:6379/zero")]
    [InlineData("redis://:a,b@localhost")]
    [InlineData("not a url")]
    public void AMalformedUrl_IsRejected_WithoutRepeatingIt(string url)
    {
        Assert.False(RedisUrlConverter.TryToConnectionString(url, out _, out var error));

        Assert.NotEmpty(error);
        Assert.DoesNotContain(url, error);
    }
}
