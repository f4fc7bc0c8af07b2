using SentinelOps.Gateway.Security;

namespace SentinelOps.Gateway.Operator;

/// <summary>Marks endpoints as operational writes.</summary>
public static class AdminOperationExtensions
{
    /// <summary>
    /// Marks the endpoint with <see cref="AdminOperation"/> (the API reference says so) and requires the <c>admin</c> scope:
    /// the one place where operational writes get their authorization, so every admin endpoint is protected the same way.
    /// </summary>
    public static TBuilder AsAdminOperation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(AdminOperation.Instance).RequireAdminScope();
    }
}
