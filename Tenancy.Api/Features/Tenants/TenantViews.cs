using System.Text.Json.Serialization;

namespace Tenancy.Api.Features.Tenants;

/// <summary>
/// The tenant object (contract §2.7): every column of <c>tenants</c> the original returned, plus, depending on the
/// endpoint, the caller's <c>role</c>, <c>joined_at</c> and the <c>members</c> list.
/// </summary>
public sealed class TenantView
{
    public Guid Id { get; init; }

    public required string Name { get; init; }

    public required string DatabaseName { get; init; }

    public bool IsActive { get; init; }

    [JsonConverter(typeof(IsoTimestampConverter))]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonConverter(typeof(IsoTimestampConverter))]
    public DateTimeOffset UpdatedAt { get; init; }

    public Guid? CreatedBy { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? JoinedAt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<MemberView>? Members { get; init; }

    public static TenantView From(Tenant tenant, TenantRole? role = null, DateTimeOffset? joinedAt = null, List<MemberView>? members = null) => new()
    {
        Id = tenant.Id,
        Name = tenant.Name,
        DatabaseName = tenant.DatabaseName,
        IsActive = tenant.IsActive,
        CreatedAt = tenant.CreatedAt,
        UpdatedAt = tenant.UpdatedAt,
        CreatedBy = tenant.CreatedBy,
        Role = role?.ToWire(),
        JoinedAt = joinedAt is { } joined ? IsoTimestampConverter.Format(joined) : null,
        Members = members,
    };
}

/// <summary>A member in tenant details: the user object plus <c>role</c> and <c>joined_at</c>.</summary>
public sealed record MemberView(
    Guid Id,
    string FirstName,
    string LastName,
    string Email,
    bool IsActive,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset UpdatedAt,
    string Role,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset JoinedAt)
{
    public static MemberView From(UserResponse user, Membership membership) =>
        new(user.Id, user.FirstName, user.LastName, user.Email, user.IsActive, user.CreatedAt, user.UpdatedAt,
            membership.Role.ToWire(), membership.JoinedAt);
}
