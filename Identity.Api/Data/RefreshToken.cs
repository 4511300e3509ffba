namespace Identity.Api.Data;

/// <summary>A refresh token issued in a session; single use (<see cref="UsedAt"/>), so a replay is detectable.</summary>
public sealed class RefreshToken
{
    /// <summary>The token's <c>jti</c>.</summary>
    public Guid Jti { get; set; }

    public Guid SessionId { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}
