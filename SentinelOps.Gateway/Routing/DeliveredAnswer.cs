using System.Buffers;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// What of a stream's answer has reached the caller, part after part: the text (what a continuation is asked to
/// continue), whether a tool call or the finish went out (then nothing may be continued), the usage so far, and the
/// first part's ids. Updates of a continuation are made to look like the rest of the stream before they go out.
/// </summary>
/// <remarks>
/// One per stream, used by one reader at a time; not thread-safe. Every stream with continuation on keeps its text, but
/// only a broken one needs it: it is kept in a pooled buffer, returned on <see cref="Dispose"/>, so a healthy stream
/// leaves no garbage behind, and only a break makes a string of it.
/// </remarks>
internal sealed class DeliveredAnswer : IDisposable
{
    private char[]? _text;
    private int _textLength;
    private bool _toolCall;
    private bool _finished;
    private bool _continued;

    // The part being relayed: its content chunks and the usage it reported; earlier parts' usage, added up.
    private int _partChunks;
    private UsageDetails? _partUsage;
    private UsageDetails? _earlierUsage;

    // The first part's identity, which a continuation's updates take on so the client sees one response.
    private string? _responseId;
    private string? _messageId;
    private DateTimeOffset? _createdAt;

    // Put on the first update of a continuation that goes out.
    private StreamContinued? _marker;
    private ProviderRouting? _routing;

    /// <summary>The text that reached the caller.</summary>
    public string Text => _text is null ? string.Empty : new string(_text, 0, _textLength);

    /// <summary>
    /// Whether the answer can be continued by another provider: some text went out, and neither a tool call (never
    /// spliced: one provider's call with another's arguments is no call at all) nor the finish did.
    /// </summary>
    public bool CanContinue => _textLength > 0 && !_toolCall && !_finished;

    /// <summary>Why <see cref="CanContinue"/> is false, for the log.</summary>
    public string WhyNot => _toolCall ? "a tool call had reached the client"
        : _finished ? "the answer had finished"
        : "no text had reached the client";

    /// <summary>
    /// Takes note of <paramref name="update"/> on its way to the caller; in a continuation, first makes it one of this
    /// stream's updates (the first part's ids, usage added up, the switch marked). False: nothing in it for the caller.
    /// </summary>
    public bool Relay(ChatResponseUpdate update)
    {
        if (_continued && !Adapt(update))
        {
            return false;
        }

        if (!_continued && !Identified && (update.ResponseId ?? update.MessageId) is not null)
        {
            (_responseId, _messageId, _createdAt) = (update.ResponseId, update.MessageId, update.CreatedAt);
        }

        _finished |= update.FinishReason is not null;
        var contents = update.Contents;
        var chunk = false;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent { Text.Length: > 0 } text:
                    Append(text.Text);
                    chunk = true;
                    break;
                case FunctionCallContent:
                    _toolCall = true;
                    break;
            }
        }

        _partChunks += chunk ? 1 : 0;
        return true;
    }

    /// <summary>
    /// The part being relayed broke and <paramref name="routing"/>'s provider continues it: the broken part's usage is
    /// kept (as it reported it or, since a broken stream's own count never arrives, one output token per content
    /// chunk, as OpenAI and Ollama stream), and the next update out carries <paramref name="marker"/> and
    /// <paramref name="routing"/>.
    /// </summary>
    public void ContinueWith(StreamContinued marker, ProviderRouting routing)
    {
        var broken = _partUsage ?? new UsageDetails { OutputTokenCount = _partChunks, TotalTokenCount = _partChunks };
        _earlierUsage = Add(_earlierUsage, broken);
        (_partChunks, _partUsage, _continued, _marker, _routing) = (0, null, true, marker, routing);
    }

    // A continuation's update, made one of this stream's: the provider's own chunk is not forwarded (its id, its usage,
    // its tool-call fragments), but rebuilt from the update; updates with nothing for the caller are dropped, except the
    // first, which marks the switch.
    private bool Adapt(ChatResponseUpdate update)
    {
        update.RawRepresentation = null;
        if (_marker is null && !update.HasContent() && update.FinishReason is null && !update.HasUsage())
        {
            return false;
        }

        if (Identified)
        {
            (update.ResponseId, update.MessageId, update.CreatedAt) = (_responseId, _messageId, _createdAt ?? update.CreatedAt);
        }

        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent usage)
            {
                _partUsage = Add(_partUsage, usage.Details);
                contents[i] = new UsageContent(Add(_earlierUsage, usage.Details)!);
            }
        }

        if (_marker is not null)
        {
            var properties = update.AdditionalProperties ??= [];
            properties[StreamContinued.AdditionalPropertiesKey] = _marker;
            properties[ProviderRouting.AdditionalPropertiesKey] = _routing;
            (_marker, _routing) = (null, null);
        }

        return true;
    }

    /// <summary>Returns the text's buffer to the pool.</summary>
    public void Dispose()
    {
        if (_text is { } text)
        {
            (_text, _textLength) = (null, 0);
            ArrayPool<char>.Shared.Return(text);
        }
    }

    private bool Identified => _responseId is not null || _messageId is not null;

    private void Append(string text)
    {
        if (_text is null || _textLength + text.Length > _text.Length)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(_textLength + text.Length, (_text?.Length ?? 128) * 2));
            if (_text is not null)
            {
                _text.AsSpan(0, _textLength).CopyTo(larger);
                ArrayPool<char>.Shared.Return(_text);
            }

            _text = larger;
        }

        text.CopyTo(_text.AsSpan(_textLength));
        _textLength += text.Length;
    }

    private static UsageDetails? Add(UsageDetails? sum, UsageDetails? more)
    {
        if (more is null)
        {
            return sum;
        }

        var total = new UsageDetails
        {
            InputTokenCount = sum?.InputTokenCount,
            OutputTokenCount = sum?.OutputTokenCount,
            TotalTokenCount = sum?.TotalTokenCount,
        };
        total.Add(more);
        return total;
    }
}
