namespace SaasPlatform.ServiceDefaults.Auth;

/// <summary>Token settings shared by the issuer (Identity.Api) and every service that validates (section <c>Jwt</c>).</summary>
public sealed class JwtSettings
{
    public const string SectionName = "Jwt";

    public string Issuer { get; set; } = "saas-platform";

    public string Audience { get; set; } = "saas-platform-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a session (one login) lasts at most, however often it is refreshed: no token issued in it expires
    /// later than its start plus this, and a refresh after that point is refused (then the user logs in again).
    /// </summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Where validating services read the issuer's public keys; resolved through service discovery.</summary>
    public Uri JwksUri { get; set; } = new(PlatformServices.Address(PlatformServices.IdentityApi), PlatformServices.Routes.Jwks);

    /// <summary>Where validating services follow revocations (logouts, revoked sessions, deactivated users).</summary>
    public Uri RevocationFeedUri { get; set; } = new(PlatformServices.Address(PlatformServices.IdentityApi), PlatformServices.Routes.Revocations);

    /// <summary>
    /// How long one read of the revocation feed may wait at Identity for the next revocation (a long poll). Well under
    /// <see cref="RevocationMaxStaleness"/>: every answer, even an empty one, counts as a complete read.
    /// </summary>
    public TimeSpan RevocationWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The shortest time between two reads of the feed when it cannot wait (Identity's change feed is down), and the
    /// first retry delay after a failed read.
    /// </summary>
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How old the last complete read of the revocation feed may be before the service stops trusting its view: past
    /// it, /health is unhealthy and authenticated requests are answered 503 (fail closed), since a token revoked after
    /// the feed was cut would otherwise pass. A few polls' worth, so one slow poll does not trip it
    /// (docs/decisions/revocations-fail-closed.md).
    /// </summary>
    public TimeSpan RevocationMaxStaleness { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Claim names and values of the platform's tokens.</summary>
public static class TokenClaims
{
    public const string Type = "type";
    public const string Session = "sid";
    public const string AccessType = "access";
    public const string RefreshType = "refresh";
}
