using System.Text.Json.Serialization;
using Identity.Api.Tenancy;

namespace Identity.Api.Features.Auth;

/// <summary>What the auth endpoints return, inside <c>data</c> and copied to the top level (decision D1).</summary>
public sealed record AuthPayload
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AccessToken { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RefreshToken { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UserResponse? User { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LoginTenant>? Tenants { get; init; }
}

/// <summary>
/// The envelope of the four auth endpoints: <c>{"success", "message", "data": payload}</c> plus the payload's keys at
/// the top level, as the original's flat responses had them, so old clients keep working.
/// </summary>
public sealed class AuthEnvelope : SuccessEnvelope<AuthPayload>
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AccessToken => Data?.AccessToken;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RefreshToken => Data?.RefreshToken;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UserResponse? User => Data?.User;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LoginTenant>? Tenants => Data?.Tenants;

    public static AuthEnvelope Of(string message, AuthPayload? payload = null) => new() { Message = message, Data = payload };
}
