using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// The configured client keys, held only as SHA-256 hashes. A presented key is hashed and compared with every
/// configured hash in constant time, so neither the comparison nor the number of keys checked tells how close a guess was.
/// </summary>
public sealed class ClientKeyStore
{
    private readonly (byte[] Hash, ClientIdentity Identity)[] _keys;

    /// <summary>Hashes the configured keys; plain-text keys are hashed here and dropped from the options.</summary>
    public ClientKeyStore(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys = [.. options.Value.Keys.Select(key =>
        {
            var hash = key.Key is { Length: > 0 } plain ? Hash(plain) : Convert.FromHexString(key.Sha256!);
            key.Key = null;
            key.Sha256 = Convert.ToHexStringLower(hash);
            return (hash, new ClientIdentity(key.Name!, key.Scopes is { Length: > 0 } scopes ? scopes : [ClientScopes.Chat]));
        })];
    }

    /// <summary>Whether no key is configured, so the gateway is open.</summary>
    public bool IsOpen => _keys.Length == 0;

    /// <summary>The client <paramref name="key"/> belongs to, or <see langword="null"/>.</summary>
    public ClientIdentity? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        HashInto(key, presented);
        ClientIdentity? found = null;
        foreach (var (hash, identity) in _keys)
        {
            // No early exit: every configured key is compared, whichever matches.
            if (CryptographicOperations.FixedTimeEquals(hash, presented))
            {
                found = identity;
            }
        }

        return found;
    }

    /// <summary>The SHA-256 of <paramref name="key"/>'s UTF-8 bytes.</summary>
    public static byte[] Hash(string key)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        HashInto(key, hash);
        return hash;
    }

    private static void HashInto(string key, Span<byte> destination)
    {
        var byteCount = Encoding.UTF8.GetByteCount(key);
        var bytes = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes, destination);
        CryptographicOperations.ZeroMemory(bytes);
    }
}
