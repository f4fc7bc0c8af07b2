namespace SentinelOps.Gateway.Operator;

/// <summary>Marks endpoints as operational writes.</summary>
public static class AdminOperationExtensions
{
    /// <summary>
    /// Marks the endpoint with <see cref="AdminOperation"/>. The one place where operational writes get their
    /// authorization, so every admin endpoint is protected the same way.
    /// </summary>
    public static TBuilder AsAdminOperation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // TODO(issue8-security): append .RequireAdminScope() here once the client-key scopes are merged.
        return builder.WithMetadata(AdminOperation.Instance);
    }
}
