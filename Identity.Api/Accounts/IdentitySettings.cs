namespace Identity.Api.Accounts;

/// <summary>Identity's own settings (section <c>Identity</c>); token settings are the shared <c>Jwt</c> section.</summary>
public sealed class IdentitySettings
{
    public const string SectionName = "Identity";

    /// <summary>bcrypt work factor for new hashes; older hashes are upgraded at the next successful login.</summary>
    public int BcryptCost { get; set; } = 12;

    public RateLimitSettings RateLimits { get; set; } = new();
}

/// <summary>Brute-force limits on login and registration, per client address and per email.</summary>
public sealed class RateLimitSettings
{
    public RateLimitRule LoginPerEmail { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    public RateLimitRule LoginPerAddress { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    public RateLimitRule RegisterPerEmail { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromMinutes(10) };

    public RateLimitRule RegisterPerAddress { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromHours(1) };
}

public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}
