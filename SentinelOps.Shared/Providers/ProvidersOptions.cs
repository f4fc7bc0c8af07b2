using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Shared.Providers;

/// <summary>
/// The provider chain (configuration key <c>Providers</c>, e.g. <c>Providers__0__Name</c>), shared by the gateway,
/// which routes to it, and the monitor, which probes it.
/// </summary>
public sealed class ProvidersOptions : IValidatableObject
{
    /// <summary>The configuration key of the list.</summary>
    public const string SectionName = "Providers";

    /// <summary>The providers, tried in <see cref="ProviderOptions.Priority"/> order.</summary>
    [Required]
    [MinLength(1, ErrorMessage = "Configure at least one provider: set OPENAI_API_KEY and/or OLLAMA_BASE_URL (the seed's chain), or Providers__0__Name, Providers__0__Kind, Providers__0__Endpoint and Providers__0__Model.")]
    public List<ProviderOptions> Providers { get; set; } = [];

    /// <summary>The providers in the order they are tried: by priority, then as configured.</summary>
    public IEnumerable<ProviderOptions> InPriorityOrder => Providers.OrderBy(p => p.Priority);

    /// <summary>
    /// The provider called <paramref name="nameOrKind"/> (any case), or else the only provider of that kind
    /// (<c>openai</c>, <c>ollama</c>): the seed names its providers after their kind
    /// (<c>POST /api/providers/openai/probe</c>), so its examples work whatever the providers are called here.
    /// </summary>
    public ProviderOptions? Find(string nameOrKind)
    {
        ArgumentNullException.ThrowIfNull(nameOrKind);
        return Providers.FirstOrDefault(p => string.Equals(p.Name, nameOrKind, StringComparison.OrdinalIgnoreCase))
            ?? (Providers.Where(p => string.Equals(p.Kind.ToString(), nameOrKind, StringComparison.OrdinalIgnoreCase)).ToArray() is [var only] ? only : null);
    }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Providers.Count; i++)
        {
            var provider = Providers[i];
            var key = $"{SectionName}:{i}";
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(provider, new ValidationContext(provider), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"{key}: {result.ErrorMessage}", result.MemberNames.Select(member => $"{key}:{member}"));
            }

            if (provider.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
            {
                yield return new ValidationResult($"{key}:Endpoint must be an absolute http or https URL.", [$"{key}:Endpoint"]);
            }
        }

        foreach (var duplicate in Providers.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"{SectionName}: the name '{duplicate.Key}' is used more than once.", [SectionName]);
        }
    }
}
