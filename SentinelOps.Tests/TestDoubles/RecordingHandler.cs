namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// Keeps a copy of every response body as its reader takes it, so a test can read the wire (SSE comments, <c>[DONE]</c>)
/// of the very response a real client (the OpenAI SDK) consumed.
/// </summary>
internal sealed class RecordingHandler() : DelegatingHandler(new HttpClientHandler())
{
    private readonly MemoryStream _body = new();

    /// <summary>What the response bodies held, as read so far.</summary>
    public string Body
    {
        get
        {
            lock (_body)
            {
                return System.Text.Encoding.UTF8.GetString(_body.ToArray());
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var original = response.Content;
        var recorded = new StreamContent(new TeeStream(await original.ReadAsStreamAsync(cancellationToken), _body));
        foreach (var header in original.Headers)
        {
            recorded.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = recorded;
        return response;
    }

    private sealed class TeeStream(Stream inner, MemoryStream copy) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Keep(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            return Keep(buffer.Span[..read]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Keep(ReadOnlySpan<byte> read)
        {
            lock (copy)
            {
                copy.Write(read);
            }

            return read.Length;
        }
    }
}
