using System.Text.Json.Serialization;
using Identity.Api.Data;
using SaasPlatform.ServiceDefaults.Http;

namespace Identity.Api.Features.Users;

/// <summary>The user object of every response (contract §2.2); never the password hash.</summary>
public sealed record UserResponse(
    Guid Id,
    string FirstName,
    string LastName,
    string Email,
    bool IsActive,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset UpdatedAt)
{
    public static UserResponse From(User user) =>
        new(user.Id, user.FirstName, user.LastName, user.Email, user.IsActive, user.CreatedAt, user.UpdatedAt);
}
