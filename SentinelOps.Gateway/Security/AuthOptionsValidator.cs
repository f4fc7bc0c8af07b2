using Microsoft.Extensions.Options;

namespace SentinelOps.Gateway.Security;

/// <summary>Checks the client keys at start; refuses to run open when <c>APP_ENV</c> is production.</summary>
internal sealed class AuthOptionsValidator(IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.Keys.Count == 0 && GatewayEnvironment.IsProduction(configuration))
        {
            failures.Add("APP_ENV is production (or unset) and no client key is configured: set Gateway:Auth:Keys:0:Name and :Sha256 "
                + "(or :Key from a secret), or set APP_ENV=development to run the gateway open.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            var prefix = $"Gateway:Auth:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name) || !names.Add(key.Name))
            {
                failures.Add($"{prefix}:Name is required and must be unique.");
            }

            var hasHash = !string.IsNullOrEmpty(key.Sha256);
            if (hasHash == !string.IsNullOrEmpty(key.Key))
            {
                failures.Add($"{prefix}: set exactly one of :Sha256 (64 hex digits) or :Key.");
            }
            else if (hasHash && (key.Sha256!.Length != 64 || !key.Sha256.All(char.IsAsciiHexDigit)))
            {
                failures.Add($"{prefix}:Sha256 must be the key's SHA-256 as 64 hex digits.");
            }
            else if (key.Key is { Length: < 16 })
            {
                failures.Add($"{prefix}:Key must be at least 16 characters.");
            }

            if (key.Scopes.Any(scope => !ClientScopes.All.Contains(scope)))
            {
                failures.Add($"{prefix}:Scopes may hold only: {string.Join(", ", ClientScopes.All)}.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
