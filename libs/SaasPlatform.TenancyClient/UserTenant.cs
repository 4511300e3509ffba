using System.Text.Json.Serialization;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.TenancyClient;

/// <summary>
/// One active tenant of a user, as Tenancy.Api lists them (<c>GET /internal/users/{userId}/tenants</c>, newest
/// membership first) for Identity.Api's login.
/// </summary>
public sealed record UserTenant(
    Guid Id,
    string Name,
    string DatabaseName,
    string Role,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset JoinedAt);
