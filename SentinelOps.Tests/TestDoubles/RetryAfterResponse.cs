using System.ClientModel.Primitives;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>A 429 whose only header is <c>Retry-After</c>.</summary>
internal sealed class RetryAfterResponse(string retryAfter) : PipelineResponse
{
    public override int Status => 429;

    public override string ReasonPhrase => "Too Many Requests";

    public override Stream? ContentStream { get; set; }

    public override BinaryData Content => BinaryData.Empty;

    protected override PipelineResponseHeaders HeadersCore { get; } = new RetryAfterHeaders(retryAfter);

    public override BinaryData BufferContent(CancellationToken cancellationToken = default) => Content;

    public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Content);

    public override void Dispose()
    {
    }

    private sealed class RetryAfterHeaders(string retryAfter) : PipelineResponseHeaders
    {
        public override bool TryGetValue(string name, out string? value)
        {
            value = string.Equals(name, "Retry-After", StringComparison.OrdinalIgnoreCase) ? retryAfter : null;
            return value is not null;
        }

        public override bool TryGetValues(string name, out IEnumerable<string>? values)
        {
            values = TryGetValue(name, out var value) ? [value!] : null;
            return values is not null;
        }

        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            yield return new("Retry-After", retryAfter);
        }
    }
}
