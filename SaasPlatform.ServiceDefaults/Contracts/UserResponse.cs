using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.ServiceDefaults.Contracts;

/// <summary>
/// The user object as Identity.Api writes it, in every response (contract §2.2; never the password hash) and on its
/// <c>/internal/users</c> endpoints, which Tenancy.Api reads.
/// </summary>
public sealed record UserResponse(
    Guid Id,
    string FirstName,
    string LastName,
    string Email,
    bool IsActive,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset UpdatedAt)
{
    /// <summary>Whether the owner has proved the address (Identity.Api sets it; absent where a service does not know).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? EmailVerified { get; init; }
}
