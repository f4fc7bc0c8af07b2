using System.Globalization;
using System.Text;

namespace SentinelOps.Shared.Configuration;

/// <summary>
/// Turns a Redis URL as the seed writes it (<c>redis://[[user]:password@]host[:port][/db]</c>, or <c>rediss://</c> for TLS)
/// into a StackExchange.Redis connection string (<c>host:port,password=…,defaultDatabase=0,abortConnect=false</c>).
/// </summary>
/// <remarks>
/// <c>abortConnect=false</c> lets a service start while Redis is still starting or briefly down, as Aspire's own
/// connection strings do; the client reconnects by itself. Error messages never repeat the URL: it may hold a password.
/// </remarks>
public static class RedisUrlConverter
{
    /// <summary>The port used when the URL names none.</summary>
    public const int DefaultPort = 6379;

    /// <summary>Converts <paramref name="url"/>, or explains why it cannot.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="connectionString">The StackExchange.Redis connection string, when the URL is valid.</param>
    /// <param name="error">Why the URL is not usable (without its value), when it is not.</param>
    public static bool TryToConnectionString(string url, out string connectionString, out string error)
    {
        ArgumentNullException.ThrowIfNull(url);
        connectionString = string.Empty;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || string.IsNullOrEmpty(uri.Host))
        {
            error = "must look like redis://[[user]:password@]host[:port][/db] or rediss://… for TLS";
            return false;
        }

        var database = uri.AbsolutePath.Trim('/');
        if (database.Length > 0 && (!int.TryParse(database, NumberStyles.None, CultureInfo.InvariantCulture, out var db) || db > 10_000))
        {
            error = "names a database that is not a number (the path after the host must be /0, /1, …)";
            return false;
        }

        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            password = separator < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
        }

        // A StackExchange.Redis connection string has no escaping: these characters would split or corrupt it.
        if ((user ?? string.Empty).Concat(password ?? string.Empty).Any(c => c is ',' or '=' || char.IsControl(c)))
        {
            error = "has a user or password containing ',', '=' or a control character, which a StackExchange.Redis connection string cannot carry; set ConnectionStrings__redis instead";
            return false;
        }

        var builder = new StringBuilder()
            .Append(uri.Host).Append(':').Append((uri.Port > 0 ? uri.Port : DefaultPort).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(user))
        {
            builder.Append(",user=").Append(user);
        }

        if (!string.IsNullOrEmpty(password))
        {
            builder.Append(",password=").Append(password);
        }

        if (database.Length > 0)
        {
            builder.Append(",defaultDatabase=").Append(int.Parse(database, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }

        if (uri.Scheme == "rediss")
        {
            builder.Append(",ssl=true");
        }

        connectionString = builder.Append(",abortConnect=false").ToString();
        error = string.Empty;
        return true;
    }
}
