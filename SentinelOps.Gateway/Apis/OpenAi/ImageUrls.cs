using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Apis.OpenAi;

/// <summary>An <c>image_url</c> part's URL, checked as the SDK types that carry it would check it.</summary>
internal static class ImageUrls
{
    // An image part as Microsoft.Extensions.AI carries it: a data URL (read as a string: System.Uri caps its length
    // far below an image's) whose metadata and data DataContent accepts, or an http(s) URL the provider fetches.
    public static AIContent? Read(string url)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return IsImageDataUrl(url) ? new DataContent(url) : null;
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? new UriContent(uri, "image/*")
            : null;
    }

    // RFC 2397 as DataContent parses it, narrowed to images: "data:" media-type [";base64"] "," data, where the
    // media type is image/* and base64 data is valid base64 without whitespace.
    private static bool IsImageDataUrl(string url)
    {
        var rest = url.AsSpan("data:".Length);
        var comma = rest.IndexOf(',');
        if (comma < 0)
        {
            return false;
        }

        var metadata = rest[..comma];
        var data = rest[(comma + 1)..];
        if (metadata.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            metadata = metadata[..^";base64".Length];
            if (!System.Buffers.Text.Base64.IsValid(data) || data.ContainsAny(" \t\r\n"))
            {
                return false;
            }
        }

        var mediaType = metadata.Trim().ToString();
        return mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
            && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(mediaType, out _);
    }
}
