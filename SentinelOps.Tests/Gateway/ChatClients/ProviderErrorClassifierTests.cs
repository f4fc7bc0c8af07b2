using System.Net;
using OllamaSharp.Models.Exceptions;
using SentinelOps.Gateway.ChatClients;

namespace SentinelOps.Tests.Gateway.ChatClients;

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
}
