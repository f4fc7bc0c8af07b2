using System.ClientModel;
using System.Net;
using OllamaSharp.Models.Exceptions;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Resilience;

public sealed class ProviderErrorClassifierTests
{
    [Fact]
    public void OllamaSharpsBareOllamaException_IsOllamasBadRequest_TheRequestsFault_NotRetried()
    {
        var ex = new OllamaException("invalid options");

        Assert.Equal(400, ProviderErrorClassifier.StatusCode(ex));
        Assert.Equal(ProviderErrorKind.RequestRejected, ProviderErrorClassifier.Classify(ex));
        Assert.False(ProviderErrorClassifier.IsTransient(ex));
        Assert.Equal("HTTP 400 (BadRequest)", ProviderErrorClassifier.Describe(ex));
    }

    [Fact]
    public void AModelWithoutTools_IsABadRequestToo()
    {
        var ex = new ModelDoesNotSupportToolsException("llama3.2:1b does not support tools");

        Assert.Equal(ProviderErrorKind.RequestRejected, ProviderErrorClassifier.Classify(ex));
    }

    [Fact]
    public void AnErrorLineInsideAnOllamaStream_IsTheProvidersFault()
    {
        var ex = new ResponseError("model runner has unexpectedly stopped");

        Assert.Null(ProviderErrorClassifier.StatusCode(ex));
        Assert.Equal(ProviderErrorKind.ProviderFault, ProviderErrorClassifier.Classify(ex));
    }

    [Fact]
    public void OllamasOtherStatuses_ComeAsHttpRequestExceptions_WithTheirStatus()
    {
        var ex = new HttpRequestException("x", null, HttpStatusCode.InternalServerError);

        Assert.Equal(ProviderErrorKind.ProviderFault, ProviderErrorClassifier.Classify(ex));
        Assert.True(ProviderErrorClassifier.IsTransient(ex));
    }

    [Theory]
    [InlineData("Infinity", true)]
    [InlineData("1e400", true)]
    [InlineData("99999999999999999999", true)]
    [InlineData("NaN", false)]
    [InlineData("-1", false)]
    public void AnUnboundedOrNonsensicalRetryAfter_IsFiniteAndCapped_NotAnOverflow(string header, bool asksForMoreThanTheCap)
    {
        var cap = new RetryOptions().MaxDelay;
        var ex = new ClientResultException(new RetryAfterResponse(header));

        var delay = ProviderErrorClassifier.RetryAfter(ex, DateTimeOffset.UtcNow, cap);

        if (asksForMoreThanTheCap)
        {
            Assert.Equal(cap, delay);
        }
        else
        {
            Assert.Null(delay);
        }
    }

    [Fact]
    public void ARetryAfterWithinTheCap_IsTakenAsIs()
    {
        var ex = new ClientResultException(new RetryAfterResponse("1.5"));

        Assert.Equal(TimeSpan.FromSeconds(1.5), ProviderErrorClassifier.RetryAfter(ex, DateTimeOffset.UtcNow, new RetryOptions().MaxDelay));
    }
}
